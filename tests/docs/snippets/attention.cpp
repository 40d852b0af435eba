// docs/api-guide.md, "Attention".
#include <sstream>

#include <gat/gat.hpp>

#include "check.hpp"

void snippet_attention() {
  gat::io::Dataset data = gat::io::make_synthetic_citation({.nodes = 100, .features = 30});
  gat::Graph graph = gat::Graph::from_edges(data.edges);
  gat::nn::GatModel<float> model({.in_features = 30, .num_classes = data.num_classes});
  std::ostringstream out;
  // [doc]
  // Every layer's weights in memory: edges x heads, each edge with its source, target and input
  // edge id (gat::kAddedSelfLoop for the self-loops the layers add).
  std::vector<gat::AttentionWeights<float>> layers = gat::io::attention_weights(model, graph, data.features);
  const gat::AttentionWeights<float>& first = layers[0];
  for (std::int64_t e = 0; e < first.num_edges(); ++e)
    if (first.target[e] == 7) {
      float head0 = first.weights(e, 0);  // sums to 1 over node 7's incoming edges
      (void)head0;
    }

  // The same as JSON (docs/attention-json.md), streamed: the 3 strongest edges into each node of
  // node 7's receptive field, heads averaged. write_attention_json_file writes a file.
  gat::io::write_attention_json(out, layers, {"synthetic", graph.num_nodes(), data.node_names},
                                {.average_heads = true, .top_k = 3, .node = 7});
  // [/doc]
  DOC_CHECK(layers.size() == 2);
  DOC_CHECK(out.str().find("\"format\":\"gat-attention\"") != std::string::npos);
}
