// The parser behind parseJsonlTrajectories: one pass over each line with a pointer, no
// allocation per token, no exceptions. Each line is parsed with a '\n' right after it (the
// input's own, or a copy's for a last line without one), so the scanning loops stop there
// without a bounds check: '\n' is neither whitespace, nor a digit, nor a plain string byte.
//
// Accepted (anything else is rejected): JSON as JSON.parse reads it (whitespace space, tab,
// CR), valid UTF-8 throughout, no \u escape giving a lone surrogate, no nesting deeper than
// 64, no key with a backslash; a top-level object with group, traj (a string or a safe
// integer) and steps (a non-empty array of objects), each at most once; steps with the known
// keys of docs/FORMAT.md at most once each, none of advantage, source_row, importance_weight,
// token_advantage. Other keys are ignored, their values still checked as JSON.
#include "core/io/jsonl_parse.hpp"

#include <array>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "core/hash.hpp"

namespace gigpo::io {

void JsonlPiece::clear() {
  end = 0;
  lines = 0;
  trajLine.clear();
  trajStarts.assign(1, 0);
  groupKind.clear();
  groupNum.clear();
  groupText.clear();
  trajKind.clear();
  trajNum.clear();
  trajText.clear();
  action.clear();
  reward.clear();
  valid.clear();
  done.clear();
  truncated.clear();
  anchor.clear();
  obs.clear();
  observations.clear();
  stateAnchor.clear();
  stateAnchorPresent.clear();
  policyVersion.clear();
  policyVersionPresent.clear();
  actionText.clear();
  prompt.clear();
  response.clear();
  promptIds.clear();
  responseIds.clear();
  logprobs.clear();
  responseMask.clear();
  hasActionText = hasStateAnchor = hasPrompt = hasResponse = hasPromptIds = hasResponseIds = hasLogprobs = false;
  hasResponseMask = hasPolicyVersion = false;
}

namespace {

constexpr int kMaxDepth = 64;
// Sizes (rows, text bytes, list entries) stay below this: the offsets are 32-bit.
constexpr size_t kLimit = 0xFFFFFFFFu;
constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1

// String bytes: 0 copied as is, 1 ends a plain run ('"', '\\', a control byte), 2 a UTF-8 lead or stray byte.
constexpr std::array<uint8_t, 256> kStringClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; c++) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; c++) t[c] = 2;
  return t;
}();

inline bool isSpace(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r';
}
inline bool isDigit(uint8_t c) {
  return static_cast<unsigned>(c - '0') < 10;
}

inline int hexValue(uint8_t c) {
  if (isDigit(c)) return c - '0';
  const uint8_t l = c | 0x20;
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

// The length of the valid UTF-8 sequence at s (s[0] >= 0x80) ending by `end`, or 0.
inline size_t utf8Length(const uint8_t* s, const uint8_t* end) {
  const uint8_t c = s[0];
  const ptrdiff_t room = end - s;
  auto cont = [](uint8_t b) { return (b & 0xC0) == 0x80; };
  if (c < 0xC2) return 0;  // a continuation byte, or an overlong 2-byte lead
  if (c < 0xE0) return room >= 2 && cont(s[1]) ? 2 : 0;
  if (c < 0xF0) {
    if (room < 3) return 0;
    const uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;  // overlongs, surrogates
    return s[1] >= lo && s[1] <= hi && cont(s[2]) ? 3 : 0;
  }
  if (c < 0xF5) {
    if (room < 4) return 0;
    const uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;  // overlongs, > U+10FFFF
    return s[1] >= lo && s[1] <= hi && cont(s[2]) && cont(s[3]) ? 4 : 0;
  }
  return 0;
}

inline char* putUtf8(char* w, uint32_t cp) {
  if (cp < 0x80) {
    *w++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *w++ = static_cast<char>(0xC0 | (cp >> 6));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *w++ = static_cast<char>(0xE0 | (cp >> 12));
    *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *w++ = static_cast<char>(0xF0 | (cp >> 18));
    *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return w;
}

// 16 hex digits, any case, as a 64-bit value.
bool hex64(const char* s, size_t n, uint64_t& value) {
  if (n != 16) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 16; i++) {
    const int d = hexValue(static_cast<uint8_t>(s[i]));
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  value = v;
  return true;
}

inline bool isInteger(double v) {
  return std::floor(v) == v;
}
inline bool isInt32(double v) {
  return isInteger(v) && v >= -2147483648.0 && v <= 2147483647.0;
}
inline bool isFloat32Range(double v) {
  return std::fabs(v) <= static_cast<double>(FLT_MAX);
}

enum class StepKey {
  Other,
  Reward,
  Valid,
  Obs,
  Anchor,
  Action,
  Done,
  Truncated,
  Prompt,
  Response,
  PromptIds,
  ResponseIds,
  Logprobs,
  StateAnchor,
  ResponseMask,
  PolicyVersion,
  Refused,  // advantage, source_row, importance_weight, token_advantage: the TypeScript path's
};

inline bool is(const uint8_t* k, size_t n, const char* name, size_t length) {
  return n == length && std::memcmp(k, name, length) == 0;
}
#define GIGPO_IS(name) is(k, n, name, sizeof(name) - 1)

StepKey stepKey(const uint8_t* k, size_t n) {
  switch (n) {
    case 3:
      return GIGPO_IS("obs") ? StepKey::Obs : StepKey::Other;
    case 4:
      return GIGPO_IS("done") ? StepKey::Done : StepKey::Other;
    case 5:
      return GIGPO_IS("valid") ? StepKey::Valid : StepKey::Other;
    case 6:
      if (GIGPO_IS("reward")) return StepKey::Reward;
      if (GIGPO_IS("anchor")) return StepKey::Anchor;
      if (GIGPO_IS("action")) return StepKey::Action;
      if (GIGPO_IS("prompt")) return StepKey::Prompt;
      return StepKey::Other;
    case 8:
      if (GIGPO_IS("response")) return StepKey::Response;
      if (GIGPO_IS("logprobs")) return StepKey::Logprobs;
      return StepKey::Other;
    case 9:
      if (GIGPO_IS("truncated")) return StepKey::Truncated;
      if (GIGPO_IS("advantage")) return StepKey::Refused;
      return StepKey::Other;
    case 10:
      if (GIGPO_IS("prompt_ids")) return StepKey::PromptIds;
      if (GIGPO_IS("source_row")) return StepKey::Refused;
      return StepKey::Other;
    case 12:
      if (GIGPO_IS("response_ids")) return StepKey::ResponseIds;
      if (GIGPO_IS("state_anchor")) return StepKey::StateAnchor;
      return StepKey::Other;
    case 13:
      return GIGPO_IS("response_mask") ? StepKey::ResponseMask : StepKey::Other;
    case 14:
      return GIGPO_IS("policy_version") ? StepKey::PolicyVersion : StepKey::Other;
    case 15:
      return GIGPO_IS("token_advantage") ? StepKey::Refused : StepKey::Other;
    case 17:
      return GIGPO_IS("importance_weight") ? StepKey::Refused : StepKey::Other;
    default:
      return StepKey::Other;
  }
}

// The sizes of every column before a line, to take back what a rejected line appended.
struct Mark {
  size_t traj, rows, groupText, trajText, observations, actionText, prompt, response, promptIds, responseIds, logprobs,
      responseMask;
  bool hasActionText, hasStateAnchor, hasPrompt, hasResponse, hasPromptIds, hasResponseIds, hasLogprobs,
      hasResponseMask, hasPolicyVersion;
};

Mark markOf(const JsonlPiece& p) {
  return Mark{p.numTraj(),
              p.numRows(),
              p.groupText.data.size(),
              p.trajText.data.size(),
              p.observations.size(),
              p.actionText.data.size(),
              p.prompt.data.size(),
              p.response.data.size(),
              p.promptIds.data.size(),
              p.responseIds.data.size(),
              p.logprobs.data.size(),
              p.responseMask.data.size(),
              p.hasActionText,
              p.hasStateAnchor,
              p.hasPrompt,
              p.hasResponse,
              p.hasPromptIds,
              p.hasResponseIds,
              p.hasLogprobs,
              p.hasResponseMask,
              p.hasPolicyVersion};
}

void rollback(JsonlPiece& p, const Mark& m) {
  p.trajLine.resize(m.traj);
  p.trajStarts.resize(m.traj + 1);
  p.groupKind.resize(m.traj);
  p.groupNum.resize(m.traj);
  p.groupText.offsets.resize(m.traj + 1);
  p.groupText.data.truncate(m.groupText);
  p.trajKind.resize(m.traj);
  p.trajNum.resize(m.traj);
  p.trajText.offsets.resize(m.traj + 1);
  p.trajText.data.truncate(m.trajText);
  p.action.resize(m.rows);
  p.reward.resize(m.rows);
  p.valid.resize(m.rows);
  p.done.resize(m.rows);
  p.truncated.resize(m.rows);
  p.anchor.resize(m.rows);
  p.obs.resize(m.rows);
  p.observations.truncate(m.observations);
  p.stateAnchor.resize(m.rows);
  p.stateAnchorPresent.resize(m.rows);
  p.policyVersion.resize(m.rows);
  p.policyVersionPresent.resize(m.rows);
  p.actionText.offsets.resize(m.rows + 1);
  p.actionText.data.truncate(m.actionText);
  p.prompt.offsets.resize(m.rows + 1);
  p.prompt.data.truncate(m.prompt);
  p.response.offsets.resize(m.rows + 1);
  p.response.data.truncate(m.response);
  p.promptIds.offsets.resize(m.rows + 1);
  p.promptIds.data.resize(m.promptIds);
  p.responseIds.offsets.resize(m.rows + 1);
  p.responseIds.data.resize(m.responseIds);
  p.logprobs.offsets.resize(m.rows + 1);
  p.logprobs.data.resize(m.logprobs);
  p.responseMask.offsets.resize(m.rows + 1);
  p.responseMask.data.resize(m.responseMask);
  p.hasActionText = m.hasActionText;
  p.hasStateAnchor = m.hasStateAnchor;
  p.hasPrompt = m.hasPrompt;
  p.hasResponse = m.hasResponse;
  p.hasPromptIds = m.hasPromptIds;
  p.hasResponseIds = m.hasResponseIds;
  p.hasLogprobs = m.hasLogprobs;
  p.hasResponseMask = m.hasResponseMask;
  p.hasPolicyVersion = m.hasPolicyVersion;
}

// One line's parser. Every member function returns false to reject the line (the caller
// then rolls the piece back); p_ is left anywhere in that case.
class LineParser {
 public:
  LineParser(JsonlPiece& out, ByteOut& scratch) : out_(out), scratch_(scratch) {}

  // [begin, end) is the line; *end == '\n'.
  bool line(const uint8_t* begin, const uint8_t* end, uint32_t index) {
    p_ = begin;
    e_ = end;
    space();
    if (*p_ != '{') return false;
    p_++;
    space();
    bool group = false, traj = false, steps = false;
    for (;;) {
      const uint8_t* k;
      size_t n;
      if (!key(k, n)) return false;
      if (GIGPO_IS("group")) {
        if (group || !id(out_.groupKind, out_.groupNum, out_.groupText)) return false;
        group = true;
      } else if (GIGPO_IS("traj")) {
        if (traj || !id(out_.trajKind, out_.trajNum, out_.trajText)) return false;
        traj = true;
      } else if (GIGPO_IS("steps")) {
        if (steps || !stepList()) return false;
        steps = true;
      } else if (!skip(1)) {
        return false;
      }
      space();
      if (*p_ == ',') {
        p_++;
        space();
        continue;
      }
      if (*p_ != '}') return false;
      p_++;
      break;
    }
    space();
    if (p_ != e_ || !group || !traj || !steps) return false;
    out_.trajLine.push_back(index);
    out_.trajStarts.push_back(static_cast<uint32_t>(out_.numRows()));
    return true;
  }

 private:
  void space() {
    while (isSpace(*p_)) p_++;
  }

  // A string at p_ (its opening quote), decoded into `out` when Decode; p_ is left past it.
  template <bool Decode>
  bool string(ByteOut* out) {
    const uint8_t* s = p_ + 1;
    // Decoded <= raw; one more byte so that the buffer exists even for an empty string.
    char* w = Decode ? out->reserve(static_cast<size_t>(e_ - s) + 1) : nullptr;
    char* const w0 = w;
    for (;;) {
      const uint8_t* run = s;
      while (kStringClass[*s] == 0) s++;  // stops at e_ at the latest
      if constexpr (Decode) {
        std::memcpy(w, run, static_cast<size_t>(s - run));
        w += s - run;
      }
      const uint8_t c = *s;
      if (c == '"') {
        p_ = s + 1;
        if constexpr (Decode) out->advance(static_cast<size_t>(w - w0));
        return true;
      }
      if (c == '\\') {
        if (e_ - s < 2) return false;
        uint8_t ch;
        switch (s[1]) {
          case '"':
            ch = '"';
            break;
          case '\\':
            ch = '\\';
            break;
          case '/':
            ch = '/';
            break;
          case 'b':
            ch = '\b';
            break;
          case 'f':
            ch = '\f';
            break;
          case 'n':
            ch = '\n';
            break;
          case 'r':
            ch = '\r';
            break;
          case 't':
            ch = '\t';
            break;
          case 'u': {
            uint32_t cp;
            if (!hex4(s + 2, cp)) return false;
            s += 6;
            if (cp >= 0xD800 && cp <= 0xDFFF) {
              uint32_t low;
              if (cp >= 0xDC00 || s[0] != '\\' || s[1] != 'u' || !hex4(s + 2, low) || low < 0xDC00 || low > 0xDFFF)
                return false;  // a lone surrogate
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              s += 6;
            }
            if constexpr (Decode) w = putUtf8(w, cp);
            continue;
          }
          default:
            return false;
        }
        if constexpr (Decode) *w++ = static_cast<char>(ch);
        s += 2;
        continue;
      }
      if (c >= 0x80) {
        const size_t n = utf8Length(s, e_);
        if (n == 0) return false;
        if constexpr (Decode) {
          std::memcpy(w, s, n);
          w += n;
        }
        s += n;
        continue;
      }
      return false;  // a raw control byte, or the line's end
    }
  }

  // Four hex digits at h (the bytes are within the line or its '\n': checked one by one).
  bool hex4(const uint8_t* h, uint32_t& cp) const {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
      if (h + i >= e_) return false;
      const int d = hexValue(h[i]);
      if (d < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    cp = v;
    return true;
  }

  // A key and its ':' (p_ is left at the value): raw bytes, no backslash.
  bool key(const uint8_t*& k, size_t& n) {
    if (*p_ != '"') return false;
    const uint8_t* s = p_ + 1;
    k = s;
    for (;;) {
      while (kStringClass[*s] == 0) s++;
      if (*s == '"') break;
      if (*s < 0x80) return false;  // a backslash, a control byte, the line's end
      const size_t len = utf8Length(s, e_);
      if (len == 0) return false;
      s += len;
    }
    n = static_cast<size_t>(s - k);
    p_ = s + 1;
    space();
    if (*p_ != ':') return false;
    p_++;
    space();
    return true;
  }

  // A number at p_, to the JSON grammar; its double (rounded to nearest) when Convert.
  template <bool Convert>
  bool number(double& value) {
    const uint8_t* const b = p_;
    const uint8_t* s = p_;
    const bool negative = *s == '-';
    if (negative) s++;
    uint64_t mantissa = 0;
    int digits = 0;
    if (*s == '0') {
      s++;
    } else if (isDigit(*s)) {
      while (isDigit(*s)) {
        mantissa = mantissa * 10 + (*s - '0');
        digits++;
        s++;
      }
    } else {
      return false;
    }
    bool plain = true;
    if (*s == '.') {
      s++;
      if (!isDigit(*s)) return false;
      while (isDigit(*s)) s++;
      plain = false;
    }
    if (*s == 'e' || *s == 'E') {
      s++;
      if (*s == '+' || *s == '-') s++;
      if (!isDigit(*s)) return false;
      while (isDigit(*s)) s++;
      plain = false;
    }
    p_ = s;
    if constexpr (Convert) {
      if (plain && digits <= 15) {  // exact as a double
        const double m = static_cast<double>(mantissa);
        value = negative ? -m : m;
        return true;
      }
      const auto r = std::from_chars(reinterpret_cast<const char*>(b), reinterpret_cast<const char*>(s), value);
      return r.ec == std::errc() && r.ptr == reinterpret_cast<const char*>(s);
    }
    return true;
  }

  bool numberValue(double& value) {
    if (*p_ != '-' && !isDigit(*p_)) return false;
    return number<true>(value);
  }

  bool literal(const char* word, size_t n) {
    if (static_cast<size_t>(e_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  bool isNull() {
    if (*p_ != 'n') return false;
    return literal("null", 4);
  }

  // true / false into `flag`; anything else rejects.
  bool boolean(uint8_t& flag) {
    if (*p_ == 't' && literal("true", 4)) {
      flag = 1;
      return true;
    }
    if (*p_ == 'f' && literal("false", 5)) {
      flag = 0;
      return true;
    }
    return false;
  }

  // Any JSON value, checked and dropped; `depth` is that of its container.
  bool skip(int depth) {
    double unused;
    switch (*p_) {
      case '"':
        return string<false>(nullptr);
      case '{': {
        if (++depth > kMaxDepth) return false;
        p_++;
        space();
        if (*p_ == '}') {
          p_++;
          return true;
        }
        for (;;) {
          const uint8_t* k;
          size_t n;
          if (!key(k, n) || !skip(depth)) return false;
          space();
          if (*p_ == ',') {
            p_++;
            space();
            continue;
          }
          if (*p_ != '}') return false;
          p_++;
          return true;
        }
      }
      case '[': {
        if (++depth > kMaxDepth) return false;
        p_++;
        space();
        if (*p_ == ']') {
          p_++;
          return true;
        }
        for (;;) {
          if (!skip(depth)) return false;
          space();
          if (*p_ == ',') {
            p_++;
            space();
            continue;
          }
          if (*p_ != ']') return false;
          p_++;
          return true;
        }
      }
      case 't':
        return literal("true", 4);
      case 'f':
        return literal("false", 5);
      case 'n':
        return literal("null", 4);
      default:
        if (*p_ != '-' && !isDigit(*p_)) return false;
        return number<false>(unused);
    }
  }

  // group / traj: a string, or a number that is a safe integer.
  bool id(std::vector<uint8_t>& kind, std::vector<double>& num, TextColumn& text) {
    if (*p_ == '"') {
      if (!string<true>(&text.data) || text.data.size() >= kLimit) return false;
      kind.push_back(1);
      num.push_back(0);
    } else {
      double v;
      if (!numberValue(v) || !isInteger(v) || std::fabs(v) > kMaxSafe) return false;
      kind.push_back(0);
      num.push_back(v);
    }
    text.offsets.push_back(static_cast<uint32_t>(text.data.size()));
    return true;
  }

  // A list of numbers appended to `list` (int32, flags 0 or 1 for uint8, float32-range for
  // float); null when allowed was handled by the caller.
  template <class T>
  bool numberList(ListColumn<T>& list) {
    if (*p_ != '[') return false;
    p_++;
    space();
    if (*p_ == ']') {
      p_++;
      return true;
    }
    for (;;) {
      double v;
      if (!numberValue(v)) return false;
      if constexpr (std::is_same_v<T, int32_t>) {
        if (!isInt32(v)) return false;
        list.data.push_back(static_cast<int32_t>(v));
      } else if constexpr (std::is_same_v<T, uint8_t>) {
        if (v != 0 && v != 1) return false;
        list.data.push_back(static_cast<uint8_t>(v));
      } else {
        if (!isFloat32Range(v)) return false;
        list.data.push_back(static_cast<float>(v));
      }
      space();
      if (*p_ == ',') {
        p_++;
        space();
        continue;
      }
      if (*p_ != ']') return false;
      p_++;
      return true;
    }
  }

  bool stepList() {
    if (*p_ != '[') return false;
    p_++;
    space();
    if (*p_ == ']') return false;  // steps must not be empty
    uint8_t lastDoneGiven = 0, lastTruncated = 0;
    for (;;) {
      if (!step(lastDoneGiven, lastTruncated)) return false;
      space();
      if (*p_ == ',') {
        p_++;
        space();
        continue;
      }
      if (*p_ != ']') return false;
      p_++;
      break;
    }
    // The last step ends the trajectory by the env's rules unless the file says otherwise.
    if (!lastDoneGiven && !lastTruncated) out_.done.back() = 1;
    return true;
  }

  // Decodes a string at p_ into the scratch buffer.
  bool scratchString() {
    scratch_.clear();
    return *p_ == '"' && string<true>(&scratch_);
  }

  // Appends a text value (a string or null) of a step to `column`; `had` is set when a string.
  bool textField(TextColumn& column, bool& seen, bool& had) {
    if (seen) return false;
    seen = true;
    if (isNull()) return true;
    if (*p_ != '"' || !string<true>(&column.data)) return false;
    had = true;
    return true;
  }

  template <class T>
  bool listField(ListColumn<T>& column, bool& seen, bool& had) {
    if (seen) return false;
    seen = true;
    if (isNull()) return true;
    if (!numberList(column)) return false;
    had = true;
    return true;
  }

  // One step object at p_, appended as a row.
  bool step(uint8_t& lastDoneGiven, uint8_t& lastTruncated) {
    if (*p_ != '{') return false;
    p_++;
    space();
    bool seenReward = false, seenValid = false, seenObs = false, seenAnchor = false, seenAction = false,
         seenDone = false, seenTruncated = false, seenPrompt = false, seenResponse = false, seenPromptIds = false,
         seenResponseIds = false, seenLogprobs = false, seenStateAnchor = false, seenResponseMask = false,
         seenPolicyVersion = false;
    bool hasObs = false, hasAnchor = false, hasActionText = false, hasPrompt = false, hasResponse = false,
         hasPromptIds = false, hasResponseIds = false, hasLogprobs = false, hasStateAnchor = false,
         hasResponseMask = false, hasPolicyVersion = false;
    double reward = 0;
    uint8_t valid = 1, done = 0, doneGiven = 0, truncated = 0;
    int32_t action = -1;
    uint32_t obsIndex = 0;
    uint64_t anchor = 0, stateAnchor = 0;
    uint32_t policyVersion = 0;
    if (*p_ != '}') {
      for (;;) {
        const uint8_t* k;
        size_t n;
        if (!key(k, n)) return false;
        switch (stepKey(k, n)) {
          case StepKey::Other:
            if (!skip(3)) return false;
            break;
          case StepKey::Refused:
            return false;
          case StepKey::Reward:
            if (seenReward || !numberValue(reward) || !isFloat32Range(reward)) return false;
            seenReward = true;
            break;
          case StepKey::Valid:
            if (seenValid || !boolean(valid)) return false;
            seenValid = true;
            break;
          case StepKey::Obs:
            if (seenObs) return false;
            seenObs = true;
            if (isNull()) break;
            if (*p_ != '"' || !string<true>(&out_.observations.bytes())) return false;
            obsIndex = out_.observations.commit();
            if (obsIndex == TextIntern::kTooLarge) return false;
            hasObs = true;
            break;
          case StepKey::Anchor:
            if (seenAnchor) return false;
            seenAnchor = true;
            if (isNull()) break;
            if (*p_ == '"') {
              if (!scratchString()) return false;
              if (!hex64(scratch_.data(), scratch_.size(), anchor)) anchor = hash64(scratch_.data(), scratch_.size());
            } else {
              double v;
              if (!numberValue(v) || !isInteger(v) || !(v >= 0 && v <= kMaxSafe)) return false;
              anchor = static_cast<uint64_t>(v);
            }
            hasAnchor = true;
            break;
          case StepKey::Action:
            if (seenAction) return false;
            seenAction = true;
            if (isNull()) break;
            if (*p_ == '"') {
              if (!string<true>(&out_.actionText.data)) return false;
              hasActionText = true;
            } else {
              double v;
              if (!numberValue(v) || !isInt32(v)) return false;
              action = static_cast<int32_t>(v);
            }
            break;
          case StepKey::Done:
            if (seenDone) return false;
            seenDone = true;
            if (isNull()) break;
            if (!boolean(done)) return false;
            doneGiven = 1;
            break;
          case StepKey::Truncated:
            if (seenTruncated) return false;
            seenTruncated = true;
            if (isNull()) break;
            if (!boolean(truncated)) return false;
            break;
          case StepKey::Prompt:
            if (!textField(out_.prompt, seenPrompt, hasPrompt)) return false;
            break;
          case StepKey::Response:
            if (!textField(out_.response, seenResponse, hasResponse)) return false;
            break;
          case StepKey::PromptIds:
            if (!listField(out_.promptIds, seenPromptIds, hasPromptIds)) return false;
            break;
          case StepKey::ResponseIds:
            if (!listField(out_.responseIds, seenResponseIds, hasResponseIds)) return false;
            break;
          case StepKey::Logprobs:
            if (!listField(out_.logprobs, seenLogprobs, hasLogprobs)) return false;
            break;
          case StepKey::StateAnchor:
            if (seenStateAnchor) return false;
            seenStateAnchor = true;
            if (isNull()) break;
            if (!scratchString() || !hex64(scratch_.data(), scratch_.size(), stateAnchor)) return false;
            hasStateAnchor = true;
            break;
          case StepKey::ResponseMask:
            if (!listField(out_.responseMask, seenResponseMask, hasResponseMask)) return false;
            break;
          case StepKey::PolicyVersion: {
            if (seenPolicyVersion) return false;
            seenPolicyVersion = true;
            if (isNull()) break;
            double v;
            if (!numberValue(v) || !isInteger(v) || !(v >= 0 && v <= 4294967295.0)) return false;
            policyVersion = static_cast<uint32_t>(v);
            hasPolicyVersion = true;
            break;
          }
        }
        space();
        if (*p_ == ',') {
          p_++;
          space();
          continue;
        }
        if (*p_ != '}') return false;
        break;
      }
    }
    p_++;
    if (!seenReward || (!hasObs && !hasAnchor)) return false;
    if (!hasObs) {
      obsIndex = out_.observations.commit();  // '' (nothing was appended)
      if (obsIndex == TextIntern::kTooLarge) return false;
    }
    if (!hasAnchor) anchor = out_.observations.hashes()[obsIndex];
    // The mask has a flag per token of this step's prompt_ids then response_ids (else the
    // TypeScript path names the mismatch).
    if (hasResponseMask) {
      const size_t flags = out_.responseMask.data.size() - out_.responseMask.offsets.back();
      const size_t tokens = out_.promptIds.data.size() - out_.promptIds.offsets.back() + out_.responseIds.data.size() -
                            out_.responseIds.offsets.back();
      if (flags != tokens) return false;
    }
    if (out_.numRows() + 1 >= kLimit || out_.actionText.data.size() >= kLimit || out_.prompt.data.size() >= kLimit ||
        out_.response.data.size() >= kLimit || out_.promptIds.data.size() >= kLimit ||
        out_.responseIds.data.size() >= kLimit || out_.logprobs.data.size() >= kLimit ||
        out_.responseMask.data.size() >= kLimit)
      return false;
    out_.action.push_back(action);
    out_.reward.push_back(static_cast<float>(reward));
    out_.valid.push_back(valid);
    out_.done.push_back(done);
    out_.truncated.push_back(truncated);
    out_.anchor.push_back(anchor);
    out_.obs.push_back(obsIndex);
    out_.stateAnchor.push_back(stateAnchor);
    out_.stateAnchorPresent.push_back(hasStateAnchor);
    out_.policyVersion.push_back(policyVersion);
    out_.policyVersionPresent.push_back(hasPolicyVersion);
    out_.actionText.offsets.push_back(static_cast<uint32_t>(out_.actionText.data.size()));
    out_.prompt.offsets.push_back(static_cast<uint32_t>(out_.prompt.data.size()));
    out_.response.offsets.push_back(static_cast<uint32_t>(out_.response.data.size()));
    out_.promptIds.offsets.push_back(static_cast<uint32_t>(out_.promptIds.data.size()));
    out_.responseIds.offsets.push_back(static_cast<uint32_t>(out_.responseIds.data.size()));
    out_.logprobs.offsets.push_back(static_cast<uint32_t>(out_.logprobs.data.size()));
    out_.responseMask.offsets.push_back(static_cast<uint32_t>(out_.responseMask.data.size()));
    out_.hasActionText |= hasActionText;
    out_.hasStateAnchor |= hasStateAnchor;
    out_.hasPrompt |= hasPrompt;
    out_.hasResponse |= hasResponse;
    out_.hasPromptIds |= hasPromptIds;
    out_.hasResponseIds |= hasResponseIds;
    out_.hasLogprobs |= hasLogprobs;
    out_.hasResponseMask |= hasResponseMask;
    out_.hasPolicyVersion |= hasPolicyVersion;
    lastDoneGiven = doneGiven;
    lastTruncated = truncated;
    return true;
  }

  JsonlPiece& out_;
  ByteOut& scratch_;
  const uint8_t* p_ = nullptr;
  const uint8_t* e_ = nullptr;
};

#undef GIGPO_IS

bool isBlank(const uint8_t* p, const uint8_t* e) {
  for (; p < e; p++)
    if (!isSpace(*p)) return false;
  return true;
}

}  // namespace

void parseJsonlTrajectories(const uint8_t* data, size_t start, size_t end, JsonlPiece& piece) {
  piece.clear();
  thread_local ByteOut scratch, lastLine;
  LineParser parser(piece, scratch);
  size_t pos = start, lines = 0;
  while (pos < end) {
    const uint8_t* begin = data + pos;
    const auto* nl = static_cast<const uint8_t*>(std::memchr(begin, '\n', end - pos));
    const size_t length = nl != nullptr ? static_cast<size_t>(nl - begin) : end - pos;
    const size_t next = nl != nullptr ? pos + length + 1 : end;
    if (nl == nullptr) {  // the last line has no '\n' of its own: parse a copy that has one
      lastLine.clear();
      lastLine.put(std::string_view(reinterpret_cast<const char*>(begin), length));
      lastLine.put('\n');
      begin = reinterpret_cast<const uint8_t*>(lastLine.data());
    }
    if (!isBlank(begin, begin + length)) {
      const Mark mark = markOf(piece);
      if (lines >= kLimit || !parser.line(begin, begin + length, static_cast<uint32_t>(lines))) {
        rollback(piece, mark);
        break;
      }
    }
    lines++;
    pos = next;
  }
  piece.end = pos;
  piece.lines = lines;
  if (lastLine.capacity() > (size_t{64} << 20)) lastLine = ByteOut{};
  if (scratch.capacity() > (size_t{64} << 20)) scratch = ByteOut{};
}

}  // namespace gigpo::io
