// A synthetic citation graph: a contextual stochastic block model (CSBM; Deshpande et al.,
// "Contextual Stochastic Block Models", NeurIPS 2018) shaped like Cora.
//
// Labels: node i < C gets class i (every class is present), the others a uniform class.
// Edges: M = N * average_degree / 2 undirected pairs. Pair k starts at node k for k < N (so no
// node is isolated) and at a heavy-tailed random node otherwise (popularity ~ rank^-1/2, like
// citation counts); its other end is a (heavy-tailed) member of the same class with probability
// h_u, else of another class: the "sister" class (c + 1) mod C with probability 0.6, a uniform
// other class otherwise. Homophily varies by node as in real citation graphs: 20% of the nodes
// ("mixed") link inside their class with probability 0.1 only and are never chosen as an
// in-class partner; the others with the probability that makes the mean `homophily`. Without
// these mixed nodes neighbour averaging alone would reach ~92% (far easier than Cora).
// Self loops are dropped; both directions are stored, ordered by (target, source), duplicates
// removed (two stable counting sorts: O(N + E)).
// Features: a vocabulary of F words, each word belonging to one class's topic (by a hash).
// A node has about words_per_node words; each is, with probability 0.35, a uniform word of its
// class's topic, else a uniform word of the whole vocabulary. Alone the words give a weak
// classifier (like Cora's bag-of-words: a nearest-centroid classifier on 20 labels per class
// scores 56% here, 57% on Cora); averaged over two hops of neighbours it scores 85% (76% on Cora,
// where a GAT reaches 83%), so the graph matters and the task is not trivial.
// Every draw is gat::RandomKey(seed, stream).uniform(index): the output depends on the seed only.
#include <algorithm>
#include <cmath>

#include "gat/core/check.hpp"
#include "gat/core/random.hpp"
#include "gat/io/synthetic.hpp"
#include "io/internal.hpp"

namespace gat::io {

namespace {

constexpr double kTopicProbability = 0.35;
// Homophily varies by node, as in real citation graphs where a minority of papers cite mostly
// across fields: a fraction kMixedFraction of nodes link inside their class with probability
// kMixedHomophily only; the others with the probability that makes the mean `homophily`.
constexpr double kMixedFraction = 0.2;
constexpr double kMixedHomophily = 0.1;
// Edges across classes go to the "sister" class (c + 1) mod C with this probability, else to a
// uniform other class: related fields cite each other, which makes some classes confusable.
constexpr double kSisterProbability = 0.6;

std::int64_t draw_index(const RandomKey& key, std::uint64_t i, std::int64_t n) {
  return std::min<std::int64_t>(static_cast<std::int64_t>(key.uniform_double(i) * static_cast<double>(n)), n - 1);
}

std::uint64_t gcd(std::uint64_t a, std::uint64_t b) {
  while (b) {
    const std::uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// A multiplier coprime with n: x -> (x * multiplier + 1) mod n is a bijection of [0, n).
// A class of one member (small graphs) has only the identity; the search below would not end.
std::uint64_t coprime_multiplier(std::uint64_t n) {
  if (n <= 1) return 1;
  std::uint64_t p = 2654435761ULL % n;
  while (p == 0 || gcd(p, n) != 1) p = (p + 1) % n;
  return p;
}

// A heavy-tailed choice in [0, n): rank floor(n * u^kSkew) (rank r has probability ~ r^(1/kSkew - 1)),
// scattered over [0, n) by a bijection so that popularity does not follow the node ids.
constexpr double kSkew = 2.0;
std::int64_t draw_popular(const RandomKey& key, std::uint64_t i, std::int64_t n, std::uint64_t multiplier) {
  const double u = key.uniform_double(i);
  const auto rank = std::min<std::int64_t>(static_cast<std::int64_t>(std::pow(u, kSkew) * static_cast<double>(n)), n - 1);
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(rank) * multiplier + 1) % static_cast<std::uint64_t>(n));
}

}  // namespace

Dataset make_synthetic_citation(const SyntheticCitationOptions& o) {
  GAT_REQUIRE(o.nodes >= 2 && o.nodes <= 2147483647, "synthetic graph: nodes must be in [2, 2^31-1], got ", o.nodes);
  GAT_REQUIRE(o.classes >= 1 && o.classes <= o.nodes, "synthetic graph: classes must be in [1, nodes], got ", o.classes);
  GAT_REQUIRE(o.average_degree >= 0 && o.average_degree <= 1e4, "synthetic graph: average_degree must be in [0, 1e4], got ",
              o.average_degree);
  GAT_REQUIRE(o.homophily >= 0 && o.homophily <= 1, "synthetic graph: homophily must be in [0, 1], got ", o.homophily);
  GAT_REQUIRE(o.features >= 1 && o.features <= (std::int64_t{1} << 30), "synthetic graph: features must be in [1, 2^30], got ",
              o.features);
  GAT_REQUIRE(o.words_per_node > 0 && o.words_per_node <= 1e5, "synthetic graph: words_per_node must be in (0, 1e5], got ",
              o.words_per_node);
  const std::int64_t n = o.nodes;
  const std::int32_t c = o.classes;
  const RandomKey root{o.seed, 0x5ca1ab1e};

  Dataset d;
  d.name = "synthetic";
  d.num_classes = c;

  // Labels and the members of each class.
  d.labels.resize(static_cast<std::size_t>(n));
  const RandomKey label_key = root.child(1);
  for (std::int64_t i = 0; i < n; ++i)
    d.labels[i] = i < c ? static_cast<std::int32_t>(i) : static_cast<std::int32_t>(draw_index(label_key, i, c));
  std::vector<std::int64_t> class_start(static_cast<std::size_t>(c) + 1, 0);
  for (std::int32_t y : d.labels) ++class_start[y + 1];
  for (std::int32_t k = 0; k < c; ++k) class_start[k + 1] += class_start[k];
  // Members of each class, the focused ones first (a mixed node is reached by its class only
  // through its own edges, so that its neighbourhood really is mixed).
  const RandomKey mixed_key = root.child(10);
  std::vector<char> mixed(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) mixed[i] = mixed_key.uniform_double(static_cast<std::uint64_t>(i)) < kMixedFraction;
  std::vector<NodeId> members(static_cast<std::size_t>(n));
  std::vector<std::int64_t> focused_end(static_cast<std::size_t>(c));
  {
    std::vector<std::int64_t> fill(class_start.begin(), class_start.end() - 1);
    for (int pass = 0; pass < 2; ++pass) {
      for (std::int64_t i = 0; i < n; ++i)
        if (mixed[i] == pass) members[fill[d.labels[i]]++] = static_cast<NodeId>(i);
      if (pass == 0) focused_end = fill;
    }
  }
  std::vector<std::uint64_t> all_multiplier(static_cast<std::size_t>(c)), focused_multiplier(static_cast<std::size_t>(c));
  for (std::int32_t k = 0; k < c; ++k) {
    all_multiplier[k] = coprime_multiplier(static_cast<std::uint64_t>(class_start[k + 1] - class_start[k]));
    focused_multiplier[k] = coprime_multiplier(static_cast<std::uint64_t>(std::max<std::int64_t>(1, focused_end[k] - class_start[k])));
  }
  auto member = [&](std::int32_t k, bool focused_only, const RandomKey& key, std::uint64_t i) {
    const std::int64_t focused = focused_end[k] - class_start[k];
    if (focused_only && focused > 0) return members[class_start[k] + draw_popular(key, i, focused, focused_multiplier[k])];
    const std::int64_t size = class_start[k + 1] - class_start[k];
    return members[class_start[k] + draw_popular(key, i, size, all_multiplier[k])];
  };
  const std::uint64_t node_multiplier = coprime_multiplier(static_cast<std::uint64_t>(n));
  const double mixed_homophily = std::min(kMixedHomophily, o.homophily);
  const double focused_homophily =
      std::min(1.0, (o.homophily - kMixedFraction * mixed_homophily) / (1.0 - kMixedFraction));

  // Edges.
  const std::int64_t pairs = static_cast<std::int64_t>(std::llround(static_cast<double>(n) * o.average_degree / 2.0));
  const RandomKey src_key = root.child(2), intra_key = root.child(3), class_key = root.child(4), member_key = root.child(5);
  std::vector<NodeId> src, dst;
  src.reserve(static_cast<std::size_t>(pairs));
  dst.reserve(static_cast<std::size_t>(pairs));
  for (std::int64_t k = 0; k < pairs; ++k) {
    for (std::uint64_t attempt = 0; attempt < 8; ++attempt) {
      const std::uint64_t idx = static_cast<std::uint64_t>(k) + attempt * static_cast<std::uint64_t>(pairs);
      const NodeId u = (k < n && attempt == 0) ? static_cast<NodeId>(k) : static_cast<NodeId>(draw_popular(src_key, idx, n, node_multiplier));
      const std::int32_t cu = d.labels[u];
      std::int32_t cv = cu;
      if (c > 1 && !(intra_key.uniform_double(idx) < (mixed[u] ? mixed_homophily : focused_homophily)))
        cv = class_key.uniform_double(idx) < kSisterProbability
                 ? static_cast<std::int32_t>((cu + 1) % c)
                 : static_cast<std::int32_t>((cu + 1 + draw_index(class_key.child(1), idx, c - 1)) % c);
      const NodeId v = member(cv, cv == cu, member_key, idx);
      if (u == v) continue;
      src.push_back(u);
      dst.push_back(v);
      break;
    }
  }
  d.edges = detail::undirected_edges(n, src, dst);
  std::vector<NodeId>().swap(src);
  std::vector<NodeId>().swap(dst);

  // Features: words by class topic.
  const std::int64_t f = o.features;
  const RandomKey home_key = root.child(6);
  std::vector<std::int64_t> topic_start(static_cast<std::size_t>(c) + 1, 0);
  std::vector<std::int32_t> home(static_cast<std::size_t>(f));
  for (std::int64_t w = 0; w < f; ++w) {
    home[w] = static_cast<std::int32_t>(draw_index(home_key, w, c));
    ++topic_start[home[w] + 1];
  }
  for (std::int32_t k = 0; k < c; ++k) topic_start[k + 1] += topic_start[k];
  std::vector<std::int32_t> topic_words(static_cast<std::size_t>(f));
  {
    std::vector<std::int64_t> fill(topic_start.begin(), topic_start.end() - 1);
    for (std::int64_t w = 0; w < f; ++w) topic_words[fill[home[w]]++] = static_cast<std::int32_t>(w);
  }
  const RandomKey count_key = root.child(7), kind_key = root.child(8), word_key = root.child(9);
  CsrMatrix x;
  x.rows = n;
  x.cols = f;
  x.offsets.assign(1, 0);
  x.offsets.reserve(static_cast<std::size_t>(n) + 1);
  x.columns.reserve(static_cast<std::size_t>(static_cast<double>(n) * o.words_per_node));
  const std::int64_t max_words = std::min<std::int64_t>(f, static_cast<std::int64_t>(std::ceil(o.words_per_node * 1.5)));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t len = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::llround(o.words_per_node * (0.5 + count_key.uniform_double(i)))), 1, max_words);
    const std::int32_t y = d.labels[i];
    const std::int64_t topic_size = topic_start[y + 1] - topic_start[y];
    const std::size_t row_begin = x.columns.size();
    for (std::int64_t j = 0; j < len; ++j) {
      const std::uint64_t idx = static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(max_words) + static_cast<std::uint64_t>(j);
      std::int32_t w;
      if (topic_size > 0 && kind_key.uniform_double(idx) < kTopicProbability)
        w = topic_words[topic_start[y] + draw_index(word_key, idx, topic_size)];
      else
        w = static_cast<std::int32_t>(draw_index(word_key, idx, f));
      x.columns.push_back(w);
    }
    std::sort(x.columns.begin() + static_cast<std::ptrdiff_t>(row_begin), x.columns.end());
    x.columns.erase(std::unique(x.columns.begin() + static_cast<std::ptrdiff_t>(row_begin), x.columns.end()), x.columns.end());
    x.offsets.push_back(static_cast<std::int64_t>(x.columns.size()));
  }
  x.values.assign(x.columns.size(), 1.0f);
  d.features = Features(std::move(x));

  // Split: the first nodes of each class (labels are random, so this is a random choice), then
  // the next unused nodes for validation and test.
  const std::int64_t per_class = std::min<std::int64_t>(20, std::max<std::int64_t>(1, n / (5 * static_cast<std::int64_t>(c))));
  std::vector<std::int64_t> taken(static_cast<std::size_t>(c), 0);
  std::vector<char> used(static_cast<std::size_t>(n), 0);
  for (std::int64_t i = 0; i < n; ++i)
    if (taken[d.labels[i]] < per_class) {
      ++taken[d.labels[i]];
      used[i] = 1;
      d.train.push_back(static_cast<NodeId>(i));
    }
  const std::int64_t rest = n - static_cast<std::int64_t>(d.train.size());
  const std::int64_t valid = std::min<std::int64_t>(500, rest / 3);
  const std::int64_t test = std::min<std::int64_t>(1000, rest - valid);
  for (std::int64_t i = 0; i < n; ++i) {
    if (used[i]) continue;
    if (static_cast<std::int64_t>(d.valid.size()) < valid)
      d.valid.push_back(static_cast<NodeId>(i));
    else if (static_cast<std::int64_t>(d.test.size()) < test)
      d.test.push_back(static_cast<NodeId>(i));
    else
      break;
  }
  return d;
}

}  // namespace gat::io
