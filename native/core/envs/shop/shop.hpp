// Shop: a WebShop-like text web shop over a synthetic catalog (catalog.hpp) searched with
// BM25 (bm25.hpp). The agent gets an instruction drawn from a catalog product ("i need a
// t-shirt that is cotton, in size large and in navy color, and price lower than 30.00
// dollars"), searches, browses results and item pages, selects options and buys. Reward
// at purchase as WebShop defines it (reward.hpp), in [0, 1]; 0 without a purchase; 15
// steps by default.
//
// The catalog and its index are the batch's Shared data, built once per batch from
// (catalogSeed, catalogSize) and read by every env. Measured: 10k products build in ~30 ms
// and hold ~2 MB (catalog 1.3 MB, index 0.8 MB); both grow linearly (100k: ~0.25 s, ~20 MB).
// The episode (the goal) follows from the level seed, so a group shares it.
//
// Observation (also the anchor key: page state only, no history, no step counter):
//   Instruction: ...  / the page (render.hpp) / Actions: search[...] or click[...] list
//
// State anchor (stateKey): the observation plus the session (page, query, result list,
// product, selected options), which the page text may show only in part.
//
// Action ids: 0 = search with the query that parse() last read from "search[...]" (it is
// consumed by the next step; without one, id 0 is invalid), k >= 1 = click the (k-1)-th
// element listed after "Actions:". numActions() = 1 + kMaxClickables (a fixed bound); an
// id with no element on this page, a search away from the search page, or -1 (the
// response did not parse) leaves the page as it is and is flagged invalid.
// parse() reads the last <action>...</action>: "search[query]" or "click[element]"
// (case, spaces and a trailing period are normalised; elements match ignoring case).
// actionName(0) is "search[<pending query>]", actionName(k) "click[<element k-1>]".
//
// Profile 'verl-agent' (verl-agent's WebShop): the reward at purchase is 10 when the score
// is 1 and 0 otherwise (the score stays a metric: successReward 10); parse rule: the text
// between the FIRST "<action>" and "</action>", lower-cased; no tag pair = invalid; any
// other text (an element not on the page, a search away from the search page) is a VALID
// no-op; a response without both "<think>" and "</think>", or
// with a CJK ideograph, is flagged invalid but its action runs; search[...] runs from any
// page (WebShop's text env does not check for a search bar); the page text is WebShop's
// (webshop_page.hpp: " [SEP] "-joined, "next >" always on results, a reviews page) and the
// score matches attributes and options fuzzily as WebShop's reward does (webshop_reward.hpp).
// The no-op is action 1 + kMaxWebshopClickables.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/env.hpp"
#include "core/envs/shop/bm25.hpp"
#include "core/envs/shop/catalog.hpp"
#include "core/envs/shop/goal.hpp"
#include "core/envs/shop/oracle.hpp"
#include "core/envs/shop/pages.hpp"

namespace gigpo {

class Shop {
 public:
  // The catalog and its index are built from catalogSeed and catalogSize alone.
  static constexpr bool kCacheShared = true;
  static constexpr int32_t kSearchAction = 0;
  // The largest page: a results page of 10 titles (~100 bytes each) or an item page,
  // plus the instruction and the action list: under 2.5 KB. render() truncates regardless.
  static constexpr size_t kMaxObsBytes = 4096;

  struct Config {
    uint32_t maxSteps = 0;  // set by configure(): the maxSteps option, default in info()
    bool requireThink = false;
    bool reference = false;  // profile verl-agent
    uint64_t catalogSeed = 0;
    uint32_t catalogSize = 10000;
  };
  struct Shared {
    explicit Shared(const Config& config);
    shop::Catalog catalog;
    shop::Bm25Index index;
  };

  static const EnvInfo& info();
  static Config configure(const Options& options);
  static std::shared_ptr<const Shared> makeShared(const Config& config) { return std::make_shared<Shared>(config); }

  Shop(const Config& config, const Shared& shared);

  // verl-agent: id kReferenceNoOp is "text that names no action here" (a valid no-op).
  static constexpr int32_t kReferenceNoOp = 1 + shop::kMaxWebshopClickables;
  int32_t numActions() const { return config_.reference ? kReferenceNoOp + 1 : 1 + shop::kMaxClickables; }
  size_t maxObsBytes() const { return kMaxObsBytes; }
  void reset(uint64_t levelSeed, uint64_t dynamicsSeed);
  StepResult step(int32_t action);
  size_t render(char* out) const;
  // The observation, then the session: page, query, results and their page, product and
  // selected options.
  void stateKey(std::string& out) const;
  int32_t parse(std::string_view response);
  static constexpr float kReferenceWinReward = 10.0f;
  int32_t oracleAction();
  std::string actionName(int32_t action) const;
  // A click on this page's elements, or a search with a pending query on the search page.
  bool admissible(int32_t action) const {
    if (action == kSearchAction) return session_.page == shop::Page::kSearch && !pendingQuery_.empty();
    return action >= 1 && action <= numClickables_;
  }

  const shop::Goal& goal() const { return goal_; }
  const shop::Session& session() const { return session_; }

 private:
  // "search[q]" or "click[e]" (already extracted from the tags) -> action, or -1.
  int32_t parseCommand(std::string_view text);
  void listClickables() {
    numClickables_ = shop::listClickables(session_, shared_->catalog, clickables_, config_.reference);
  }

  Config config_;
  const Shared* shared_;
  shop::Goal goal_;
  shop::Session session_;
  std::string instruction_;
  shop::ClickableList clickables_;
  int32_t numClickables_ = 0;
  shop::OracleMemo oracleMemo_;  // cleared whenever the results change
  std::string pendingQuery_;     // from the last parse() of "search[...]"
  double boughtScore_ = -1;      // verl-agent: the score of the purchase, shown after it (-1: none)
  std::string typed_;            // parse() scratch
};

}  // namespace gigpo
