#include "core/envs/shop/shop.hpp"

#include <vector>

#include "core/envs/shop/render.hpp"
#include "core/envs/shop/reward.hpp"
#include "core/envs/shop/webshop_page.hpp"
#include "core/envs/shop/webshop_reward.hpp"
#include "core/rng.hpp"
#include "core/state_key.hpp"
#include "core/text/action_tag.hpp"
#include "core/text/normalize.hpp"
#include "core/text/text_sink.hpp"

namespace gigpo {
namespace {

std::vector<std::string> searchTexts(const shop::Catalog& catalog) {
  std::vector<std::string> docs(catalog.size());
  for (uint32_t i = 0; i < catalog.size(); ++i) docs[i] = catalog.searchText(i);
  return docs;
}

// The inside of "word[...]" when `text` has that form.
bool bracketed(std::string_view text, std::string_view word, std::string_view& inside) {
  if (text.size() < word.size() + 2 || !text.starts_with(word) || text[word.size()] != '[' || text.back() != ']')
    return false;
  inside = text::trim(text.substr(word.size() + 1, text.size() - word.size() - 2));
  return true;
}

}  // namespace

Shop::Shared::Shared(const Config& config)
    : catalog(config.catalogSeed, config.catalogSize), index(searchTexts(catalog)) {}

const EnvInfo& Shop::info() {
  static const EnvInfo kInfo{
      "shop",
      "WebShop-like text shop over a seeded synthetic catalog searched with BM25: follow an instruction "
      "(\"i need a t-shirt that is cotton, in size large, and price lower than 30.00 dollars\") with "
      "search[query] and click[element] through search, results (10 per page), item, description and features "
      "pages, then buy. Reward at purchase: type match x (matched attributes + options + price within budget) / "
      "(attributes + options + 1). Action 0 = the parsed search, k = click the k-th listed element.",
      {
          profileOption(),
          maxStepsOption(15),
          requireThinkOption(),
          integerOption("catalogSeed", 0, 0, 0xFFFFFFFFll, "seed of the generated catalog"),
          integerOption("catalogSize", 10000, 100, 1000000, "number of products in the catalog"),
      },
      "You are shopping on a website. Find and buy the product that best matches the instruction (attributes, "
      "options, price) using search[...] and click[...] actions. The reward at purchase measures how well it matches.",
      1,
      true,
      "verl-agent's WebShop (env_package/webshop projection and environment wrapper)",
      10,
  };
  return kInfo;
}

Shop::Config Shop::configure(const Options& options) {
  OptionReader r(info().name, options, info().options);
  Config c;
  c.reference = r.reference();
  c.maxSteps = readMaxSteps(r);
  c.requireThink = readRequireThink(r);
  c.catalogSeed = static_cast<uint64_t>(r.integer("catalogSeed"));
  c.catalogSize = static_cast<uint32_t>(r.integer("catalogSize"));
  return c;
}

Shop::Shop(const Config& config, const Shared& shared) : config_(config), shared_(&shared) {
  // Sized once so stepping never allocates.
  instruction_.reserve(512);
  session_.query.reserve(shop::kMaxQueryBytes);
  pendingQuery_.reserve(256);
  typed_.reserve(256);
}

void Shop::reset(uint64_t levelSeed, uint64_t) {
  Pcg32 rng(levelSeed);
  goal_ = shop::drawGoal(rng, shared_->catalog);
  instruction_.clear();
  shop::appendInstruction(goal_, instruction_);
  session_.page = shop::Page::kSearch;
  session_.query.clear();
  session_.numResults = 0;
  session_.selected = shop::kNothingSelected;
  pendingQuery_.clear();
  oracleMemo_.known = false;
  boughtScore_ = -1;
  listClickables();
}

StepResult Shop::step(int32_t action) {
  StepResult r;
  if (action == kSearchAction) {
    // WebShop runs a search from any page; profile native only from the search page.
    r.valid = (config_.reference || session_.page == shop::Page::kSearch) && !pendingQuery_.empty();
    if (r.valid) {
      shop::runSearch(session_, shared_->index, pendingQuery_);
      oracleMemo_.known = false;
    }
  } else if (action >= 1 && action <= numClickables_) {
    if (shop::follow(session_, clickables_[action - 1])) {
      const shop::Product& bought = shared_->catalog[session_.product];
      if (config_.reference) {
        boughtScore_ = shop::webshopPurchaseReward(goal_, shared_->catalog, bought, session_.selected);
        r.reward = boughtScore_ == 1.0 ? kReferenceWinReward : 0.0f;
      } else {
        r.reward = static_cast<float>(shop::purchaseReward(goal_, bought, session_.selected));
      }
      r.done = true;
    }
  } else {
    r.valid = false;
  }
  // verl-agent: every well-formed action is a valid step, whatever it does.
  if (config_.reference && action >= 0) r.valid = true;
  pendingQuery_.clear();
  listClickables();
  return r;
}

size_t Shop::render(char* out) const {
  text::TextSink sink(out, kMaxObsBytes);
  if (config_.reference) {
    shop::renderWebshopPage(session_, shared_->catalog, instruction_, boughtScore_, sink);
  } else {
    shop::renderPage(session_, shared_->catalog, instruction_, clickables_, numClickables_, sink);
  }
  return sink.finish();
}

int32_t Shop::parse(std::string_view response) {
  if (config_.reference) {
    const auto inner = text::firstActionText(response);
    if (!inner) return kInvalidAction;
    int32_t action = parseCommand(*inner);
    if (action == kInvalidAction) action = kReferenceNoOp;
    const bool flagged = (config_.requireThink && !text::hasThinkTags(response)) || text::hasCjkIdeograph(response);
    return flagged ? (action | kFlagInvalid) : action;
  }
  auto text = text::extractAction(response, config_.requireThink);
  if (!text) return kInvalidAction;
  return parseCommand(*text);
}

int32_t Shop::parseCommand(std::string_view text) {
  text::normalizeCommand(text, typed_);
  std::string_view inside;
  if (bracketed(typed_, "search", inside)) {
    if (inside.empty()) return kInvalidAction;
    pendingQuery_.assign(inside);
    return kSearchAction;
  }
  if (bracketed(typed_, "click", inside))
    for (int32_t k = 0; k < numClickables_; ++k)
      if (text::equalsIgnoreCase(inside, shop::clickableName(session_, shared_->catalog, clickables_[k]))) return k + 1;
  return kInvalidAction;
}

int32_t Shop::oracleAction() {
  const int move =
      shop::oracleMove(session_, goal_, shared_->catalog, clickables_, numClickables_, oracleMemo_, pendingQuery_);
  return move < 0 ? kSearchAction : move + 1;
}

std::string Shop::actionName(int32_t action) const {
  if (action == kSearchAction) return "search[" + pendingQuery_ + "]";
  if (action < 1 || action > numClickables_) return "";
  std::string name = "click[";
  name += shop::clickableName(session_, shared_->catalog, clickables_[action - 1]);
  name += ']';
  return name;
}

void Shop::stateKey(std::string& out) const {
  appendObservation(*this, out);
  const shop::Session& s = session_;
  appendField(out, static_cast<uint8_t>(s.page));
  appendField(out, std::string_view(s.query));
  appendField(out, s.numResults);
  for (int k = 0; k < s.numResults; ++k) appendField(out, s.results[k]);
  appendField(out, s.resultPage);
  appendField(out, s.product);
  for (int8_t v : s.selected) appendField(out, v);
}

}  // namespace gigpo
