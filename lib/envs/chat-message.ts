// One message of a chat prompt: what the env's prompt template builds and a text policy reads.
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
