// The difflib ratio and the Boxoban level parser.
#include <doctest/doctest.h>

#include <string>

#include "core/envs/shop/webshop_reward.hpp"
#include "core/envs/sokoban/boxoban_file.hpp"
#include "core/errors.hpp"
#include "core/text/sequence_ratio.hpp"
#include "core/text/token_set_ratio.hpp"

using namespace gigpo;

// Golden values from Python's difflib.SequenceMatcher(None, a, b).ratio().
TEST_CASE("sequenceRatioUtf8 equals difflib's ratio") {
  CHECK(text::sequenceRatioUtf8("abcd", "bcde") == doctest::Approx(0.75));
  CHECK(text::sequenceRatioUtf8("kitten", "sitting") == doctest::Approx(0.6153846153846154));
  CHECK(text::sequenceRatioUtf8("", "") == doctest::Approx(1.0));
  CHECK(text::sequenceRatioUtf8("a", "") == doctest::Approx(0.0));
  CHECK(text::sequenceRatioUtf8("put the apple in the fridge", "put apple in fridge") ==
        doctest::Approx(0.8260869565217391));
  CHECK(text::sequenceRatioUtf8("h\xc3\xa9llo w\xc3\xb6rld", "hello world") == doctest::Approx(0.8181818181818182));
  // difflib's autojunk: in a b of >= 200 characters, characters that fill more than 1% are not indexed.
  std::string a, b;
  for (int i = 0; i < 150; ++i) a += "ab";
  a += "x";
  for (int i = 0; i < 120; ++i) b += "ba";
  b += std::string(30, 'y');
  CHECK(text::sequenceRatioUtf8(a, b) == doctest::Approx(0.0));
}

TEST_CASE("tokenSetRatio equals thefuzz 0.19's token_set_ratio (difflib backend, as WebShop pins it)") {
  // Each expected value is what thefuzz 0.19.0's fuzz.token_set_ratio returns.
  struct Case {
    const char* a;
    const char* b;
    int score;
  };
  const Case cases[] = {
      {"long sleeve", "long sleeve", 100},
      {"long sleeve", "short sleeve", 71},
      {"machine washable", "machine wash", 86},
      {"x-large", "large", 100},
      {"X-Large", "x large", 100},
      {"navy blue", "blue", 100},
      {"3 pack", "pack of 3", 100},
      {"light weight", "lightweight", 96},
      {"high waist", "high waisted", 91},
      {"non slip", "nonslip", 93},
      {"small", "x-small", 100},
      {"blue", "black", 44},
      {"", "a", 0},
      {"---", "a", 0},
      {"Fleece-Lined!", "fleece lined", 100},
      {"MACHINE_WASH", "machine wash", 92},
      {"t\xC3\xA9"
       "a set",
       "t a set", 77},
      {"queen", "king", 22},
      {"easy clean", "clean easy to", 100},
  };
  for (const Case& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(text::tokenSetRatio(c.a, c.b) == c.score);
  }
  // U+0080..U+00FF are dropped, other non-word characters become spaces, ASCII is lower-cased.
  CHECK(text::fuzzProcess("  Fleece-Lined, MACHINE_wash caf\xC3\xA9 \xE4\xB8\xAD ") ==
        "fleece lined  machine_wash caf \xE4\xB8\xAD");
}

TEST_CASE("webshopColour takes the first of WebShop's colour words found in the value") {
  CHECK(shop::webshopColour("navy blue") == "blue");  // "blue" comes before "navy" in the list
  CHECK(shop::webshopColour("dark grey") == "dark");
  CHECK(shop::webshopColour("standard") == "tan");  // substrings count
  CHECK(shop::webshopColour("x-large") == "x-large");
}

TEST_CASE("parseBoxobanText reads levels and names the place of errors") {
  const std::string file =
      "; 0\n"
      "#####\n"
      "#@$.#\n"
      "#####\n"
      "\n"
      "; 1\n"
      "#####\n"
      "#.$@#\n"
      "#####\n";
  const auto levels = sokoban::parseBoxobanText(file, "f.txt");
  REQUIRE(levels.size() == 2);
  CHECK(levels[0].width == 5);
  CHECK(levels[0].height == 3);
  CHECK_THROWS_WITH_AS(sokoban::parseBoxobanText("#####\n", "f.txt"),
                       "f.txt: line 1: expected a '; N' level header before this row", FormatError);
  CHECK_THROWS_AS(sokoban::parseBoxobanText("", "f.txt"), FormatError);
  CHECK_THROWS_AS(sokoban::parseBoxobanText("; 0\n#####\n#@@.#\n#####\n", "f.txt"), FormatError);
}

TEST_CASE("readBoxobanFile reads with a size limit") {
  CHECK_THROWS_WITH_AS(sokoban::readBoxobanFile("/dev/zero", "levels"),
                       "levels: cannot read '/dev/zero': larger than the 64 MiB limit for a level file", RangeError);
  CHECK_THROWS_AS(sokoban::readBoxobanFile("/no/such/file", "levels"), RangeError);
  CHECK_THROWS_AS(sokoban::readBoxobanFile("/", "levels"), RangeError);
}
