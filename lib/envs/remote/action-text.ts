// The action inside an answer's last <action>...</action>, as remote envs send and show it.

export function lastActionTag(text: string): string | undefined {
  const open = text.lastIndexOf('<action>');
  if (open < 0) return undefined;
  const close = text.indexOf('</action>', open);
  if (close < 0) return undefined;
  return text.slice(open + '<action>'.length, close).trim();
}
