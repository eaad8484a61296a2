#include "core/io/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace gigpo::io {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

char* copy(char* o, std::string_view s) {
  std::memcpy(o, s.data(), s.size());
  return o + s.size();
}

// Length of the valid UTF-8 sequence at `p` (1-4), or 0 with `bad` set to the length of the
// maximal subpart that is replaced by one U+FFFD (WHATWG's UTF-8 decoder).
size_t sequenceLength(const uint8_t* p, size_t left, size_t& bad) {
  const uint8_t b = p[0];
  size_t need;
  uint8_t lower = 0x80, upper = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lower = 0xA0;
    if (b == 0xED) upper = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lower = 0x90;
    if (b == 0xF4) upper = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (size_t k = 1; k <= need; k++) {
    if (k >= left || p[k] < lower || p[k] > upper) {
      bad = k;
      return 0;
    }
    lower = 0x80;
    upper = 0xBF;
  }
  return need + 1;
}

}  // namespace

void putJsonString(ByteOut& out, const uint8_t* bytes, size_t length) {
  // Worst case per input byte: \u00XX (6 bytes), or U+FFFD (3 bytes).
  char* o = out.reserve(6 * length + 2);
  char* const start = o;
  *o++ = '"';
  size_t i = 0;
  while (i < length) {
    const uint8_t b = bytes[i];
    if (b >= 0x20 && b < 0x80) {
      if (b == '"' || b == '\\') *o++ = '\\';
      *o++ = static_cast<char>(b);
      i++;
      continue;
    }
    if (b < 0x20) {
      *o++ = '\\';
      switch (b) {
        case '\b':
          *o++ = 'b';
          break;
        case '\f':
          *o++ = 'f';
          break;
        case '\n':
          *o++ = 'n';
          break;
        case '\r':
          *o++ = 'r';
          break;
        case '\t':
          *o++ = 't';
          break;
        default:
          *o++ = 'u';
          *o++ = '0';
          *o++ = '0';
          *o++ = kHex[b >> 4];
          *o++ = kHex[b & 15];
      }
      i++;
      continue;
    }
    size_t bad = 0;
    const size_t n = sequenceLength(bytes + i, length - i, bad);
    if (n > 0) {
      std::memcpy(o, bytes + i, n);
      o += n;
      i += n;
    } else {
      std::memcpy(o, kReplacement.data(), kReplacement.size());
      o += kReplacement.size();
      i += bad;
    }
  }
  *o++ = '"';
  out.advance(static_cast<size_t>(o - start));
}

namespace {

// The shortest decimal of a float32: digits d1..dk (no leading or trailing zeros) and the
// exponent of d1 (the value is d1.d2...dk x 10^exponent).
struct Shortest {
  char digits[16];
  int k = 0;
  int exponent = 0;
};

// Sets `s` to the digits of `n` (n > 0) times 10^scale, trailing zeros dropped.
void fromInteger(uint64_t n, int scale, Shortest& s) {
  char buf[24];
  const int len = static_cast<int>(std::to_chars(buf, buf + sizeof buf, n).ptr - buf);
  int k = len;
  while (k > 1 && buf[k - 1] == '0') k--;
  std::memcpy(s.digits, buf, static_cast<size_t>(k));
  s.k = k;
  s.exponent = len - 1 + scale;
}

// When the exact value of x lies halfway between two shortest candidates, std::to_chars takes
// the one with an even last digit; Number.prototype.toPrecision (which the JavaScript writer
// and JSON producers round with) takes the one of larger magnitude. Such ties need x to have
// one more significant digit than the candidates, so only floats with a short exact decimal
// expansion qualify: x = m 2^E = N 10^min(E, 0) with N = m 5^-E or m 2^E small.
void preferLargerOnTie(float x, Shortest& s) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const int field = static_cast<int>((bits >> 23) & 0xff);
  uint64_t m = bits & 0x7fffff;
  int e = field == 0 ? -149 : field - 150;
  if (field != 0) m |= 0x800000;
  while ((m & 1) == 0) {
    m >>= 1;
    e++;
  }
  constexpr uint64_t kLimit = 100'000'000'000ULL;  // ties need at most 10 digits
  uint64_t n = m;
  if (e >= 0) {
    for (int i = 0; i < e; i++)
      if ((n <<= 1) >= kLimit) return;
  } else {
    for (int i = 0; i < -e; i++)
      if ((n *= 5) >= kLimit) return;
  }
  const int scale = e < 0 ? e : 0;
  char exact[24];
  const int c = static_cast<int>(std::to_chars(exact, exact + sizeof exact, n).ptr - exact);
  if (c != s.k + 1 || exact[c - 1] != '5') return;
  // The exact value is d1..dk5: the candidates are d1..dk and d1..dk + 1 (x 10^(scale + 1)).
  const uint64_t up = n / 10 + 1;
  Shortest candidate;
  fromInteger(up, scale + 1, candidate);
  char text[40];
  std::memcpy(text, candidate.digits, static_cast<size_t>(candidate.k));
  int len = candidate.k;
  text[len++] = 'e';
  len += static_cast<int>(std::to_chars(text + len, text + sizeof text, candidate.exponent - (candidate.k - 1)).ptr -
                          (text + len));
  float back = 0;
  std::from_chars(text, text + len, back);
  if (back == std::fabs(x))
    s = candidate;
  else
    fromInteger(n, scale, s);  // toPrecision then needs the next length: the exact value
}

}  // namespace

namespace {

// Formats x (nonzero, finite) into `o`; returns the end.
char* formatFloat32(float x, char* o);

// Recent results by bit pattern: rewards, returns and advantages repeat (a trajectory's rows
// share its episode advantage), and a hit costs a few loads instead of a formatting.
struct CachedFloat {
  uint32_t bits = 0;
  uint8_t length = 0;  // 0 = empty
  char text[27];
};
thread_local CachedFloat floatCache[1 << 12];

}  // namespace

void putFloat32(ByteOut& out, float x) {
  if (x == 0) return out.put('0');  // also -0, as String(-0)
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  CachedFloat& slot = floatCache[(bits * 0x9e3779b1u) >> 20];
  if (slot.length == 0 || slot.bits != bits) {
    char* end = formatFloat32(x, slot.text);
    slot.bits = bits;
    slot.length = static_cast<uint8_t>(end - slot.text);
  }
  out.put(std::string_view(slot.text, slot.length));
}

namespace {

char* formatFloat32(float x, char* o) {
  if (std::isnan(x)) return copy(o, "NaN");
  if (std::isinf(x)) return copy(o, x > 0 ? std::string_view("Infinity") : std::string_view("-Infinity"));
  // The shortest round-trip digits, as d.ddde±XX, rearranged as Number.prototype.toString does.
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof sci, std::fabs(x), std::chars_format::scientific);
  Shortest s;
  const char* p = sci;
  while (*p != 'e') {
    if (*p != '.') s.digits[s.k++] = *p;
    p++;
  }
  const bool negativeExponent = p[1] == '-';
  std::from_chars(p + 2, r.ptr, s.exponent);  // after the 'e': a sign, then digits
  if (negativeExponent) s.exponent = -s.exponent;
  preferLargerOnTie(x, s);

  if (x < 0) *o++ = '-';
  const char* digits = s.digits;
  const int k = s.k;
  const int n = s.exponent + 1;  // the value is 0.d1d2...dk x 10^n
  if (k <= n && n <= 21) {
    std::memcpy(o, digits, k);
    o += k;
    for (int z = k; z < n; z++) *o++ = '0';
  } else if (0 < n && n <= 21) {
    std::memcpy(o, digits, n);
    o += n;
    *o++ = '.';
    std::memcpy(o, digits + n, k - n);
    o += k - n;
  } else if (-6 < n && n <= 0) {
    *o++ = '0';
    *o++ = '.';
    for (int z = 0; z < -n; z++) *o++ = '0';
    std::memcpy(o, digits, k);
    o += k;
  } else {
    *o++ = digits[0];
    if (k > 1) {
      *o++ = '.';
      std::memcpy(o, digits + 1, k - 1);
      o += k - 1;
    }
    *o++ = 'e';
    *o++ = n - 1 >= 0 ? '+' : '-';
    o = std::to_chars(o, o + 8, std::abs(n - 1)).ptr;
  }
  return o;
}

}  // namespace

void putUint(ByteOut& out, uint64_t n) {
  char* o = out.reserve(24);
  out.advance(static_cast<size_t>(std::to_chars(o, o + 24, n).ptr - o));
}

void putInt(ByteOut& out, int64_t n) {
  char* o = out.reserve(24);
  out.advance(static_cast<size_t>(std::to_chars(o, o + 24, n).ptr - o));
}

void putHex64(ByteOut& out, uint64_t x) {
  char* o = out.reserve(16);
  for (int k = 15; k >= 0; k--, x >>= 4) o[k] = kHex[x & 15];
  out.advance(16);
}

}  // namespace gigpo::io
