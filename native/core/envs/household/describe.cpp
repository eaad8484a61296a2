#include "core/envs/household/describe.hpp"

namespace gigpo::household {
namespace {

void appendNumber(uint32_t n, std::string& out) {
  char digits[12];
  int len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n);
  while (len) out.push_back(digits[--len]);
}

// "nothing" / "a A" / "a A, and a B" / "a A, a B, and a C": every item gets "a" (the
// house style, even before a vowel).
template <class Each>
void appendList(int count, std::string& out, Each&& each) {
  if (count == 0) {
    out += "nothing";
    return;
  }
  for (int k = 0; k < count; ++k) {
    if (k > 0) out += k + 1 == count ? ", and " : ", ";
    out += "a ";
    each(k);
  }
}

void appendObjectsAt(const World& w, int r, std::string& out) {
  std::array<int8_t, kMaxObjects> here;
  int n = 0;
  for (int i = 0; i < w.numObjects; ++i)
    if (w.objects[i].location == r) here[n++] = static_cast<int8_t>(i);
  appendList(n, out, [&](int k) { appendObjectName(w, here[k], out); });
}

}  // namespace

void appendReceptacleName(const World& w, int r, std::string& out) {
  out += w.typeOf(w.receptacles[r]).name;
  out += ' ';
  appendNumber(w.receptacles[r].number, out);
}

void appendObjectName(const World& w, int o, std::string& out) {
  out += w.typeOf(w.objects[o]).name;
  out += ' ';
  appendNumber(w.objects[o].number, out);
}

const char* prepositionFor(const World& w, int r) {
  return w.typeOf(w.receptacles[r]).inside ? "in" : "on";
}

void appendContents(const World& w, int r, std::string& out) {
  if (w.openable(r)) {
    out += "The ";
    appendReceptacleName(w, r, out);
    if (!w.receptacles[r].open) {
      out += " is closed.";
      return;
    }
    out += " is open. In it, you see ";
  } else {
    out += w.typeOf(w.receptacles[r]).inside ? "In the " : "On the ";
    appendReceptacleName(w, r, out);
    out += ", you see ";
  }
  appendObjectsAt(w, r, out);
  out += '.';
}

void appendLook(const World& w, std::string& out) {
  if (w.agentAt == kNowhere) {
    out += "You are in the middle of a room. Looking around you, you see ";
    appendList(w.numReceptacles, out, [&](int k) { appendReceptacleName(w, k, out); });
    out += '.';
    return;
  }
  out += "You are at ";
  appendReceptacleName(w, w.agentAt, out);
  out += ". ";
  appendContents(w, w.agentAt, out);
}

void appendInventory(const World& w, std::string& out) {
  if (w.held == kNowhere) {
    out += "You are not carrying anything.";
    return;
  }
  out += "You are carrying: a ";
  appendObjectName(w, w.held, out);
  out += '.';
}

void appendExamineObject(const World& w, int o, std::string& out) {
  const Object& obj = w.objects[o];
  out += "You examine the ";
  appendObjectName(w, o, out);
  const char* states[4];
  int n = 0;
  if (obj.clean) states[n++] = "clean";
  if (obj.hot) states[n++] = "hot";
  if (obj.cool) states[n++] = "cool";
  if (obj.sliced) states[n++] = "sliced";
  if (n == 0) {
    out += ". There is nothing special about it.";
    return;
  }
  out += ". It is ";
  for (int k = 0; k < n; ++k) {
    if (k > 0) out += k + 1 == n ? " and " : ", ";
    out += states[k];
  }
  out += '.';
}

}  // namespace gigpo::household
