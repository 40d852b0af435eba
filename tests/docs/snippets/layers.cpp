// docs/api-guide.md, "Layers".
#include <gat/gat.hpp>

#include "check.hpp"

void snippet_layers() {
  gat::Graph graph = gat::Graph::from_edges(gat::EdgeList{3, {0, 1, 2}, {1, 2, 0}});
  gat::Matrix x(3, 5, 0.5f);
  // [doc]
  // One GAT layer (Veličković et al. 2018): 4 heads of 8 features, concatenated (N x 32).
  gat::nn::GATConv<float> conv({.in_channels = 5, .out_channels = 8, .heads = 4, .dropout = 0.6f});
  conv.eval();  // no dropout
  gat::nn::ForwardContext ctx{&graph, gat::RandomKey{/*seed*/ 0, /*step*/ 0}};
  gat::nn::LayerInput<float> out = conv.forward(ctx, gat::nn::LayerInput<float>::of(x.view()));
  // out.dense is 3 x 32; conv.named_parameters() gives "lin.weight", "att_src", "att_dst", "bias"
  // [/doc]
  DOC_CHECK(out.dense.rows() == 3 && out.dense.cols() == 32);
  DOC_CHECK(conv.named_parameters().size() == 4);
}
