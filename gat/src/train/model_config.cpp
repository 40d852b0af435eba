#include "gat/train/model_config.hpp"

#include <type_traits>

#include "gat/core/error.hpp"

namespace gat::train {

nlohmann::json to_json(const nn::GatModelOptions& o) {
  return {{"conv", nn::to_string(o.conv)},         {"in_features", o.in_features},
          {"num_classes", o.num_classes},          {"layers", o.layers},
          {"hidden", o.hidden},                    {"heads", o.heads},
          {"output_heads", o.output_heads},        {"feature_dropout", o.feature_dropout},
          {"attention_dropout", o.attention_dropout}, {"value_dropout", o.value_dropout},
          {"feature_dropout_per_head", o.feature_dropout_per_head},
          {"negative_slope", o.negative_slope},
          {"activation", nn::to_string(o.activation)}, {"add_self_loops", o.add_self_loops},
          {"residual", o.residual},                {"seed", o.seed}};
}

nn::GatModelOptions gat_model_options_from_json(const nlohmann::json& j) {
  nn::GatModelOptions o;
  auto field = [&](const char* name, auto& out) {
    if (!j.contains(name)) throw InvalidArgument(std::string("model configuration: missing field '") + name + "'");
    // A count given as 1e30 would not convert to an integer defined behaviour.
    using Field = std::remove_reference_t<decltype(out)>;
    if constexpr (std::is_integral_v<Field> && !std::is_same_v<Field, bool>) {
      const bool fits = std::is_unsigned_v<Field> ? j.at(name).is_number_unsigned() : j.at(name).is_number_integer();
      if (!fits)
        throw InvalidArgument(std::string("model configuration: field '") + name + "' must be an integer" +
                              (std::is_unsigned_v<Field> ? " >= 0" : "") + ", got " + j.at(name).dump());
    }
    try {
      j.at(name).get_to(out);
    } catch (const nlohmann::json::exception&) {
      throw InvalidArgument(std::string("model configuration: field '") + name + "' has the wrong type: " +
                            j.at(name).dump());
    }
  };
  std::string conv, activation;
  field("conv", conv);
  field("activation", activation);
  o.conv = nn::conv_kind_from_string(conv);
  o.activation = nn::activation_from_string(activation);
  field("in_features", o.in_features);
  field("num_classes", o.num_classes);
  field("layers", o.layers);
  field("hidden", o.hidden);
  field("heads", o.heads);
  field("output_heads", o.output_heads);
  field("feature_dropout", o.feature_dropout);
  field("attention_dropout", o.attention_dropout);
  // Absent from checkpoints written before these options existed: their defaults apply.
  if (j.contains("value_dropout")) field("value_dropout", o.value_dropout);
  if (j.contains("feature_dropout_per_head")) field("feature_dropout_per_head", o.feature_dropout_per_head);
  field("negative_slope", o.negative_slope);
  field("add_self_loops", o.add_self_loops);
  field("residual", o.residual);
  field("seed", o.seed);
  return o;
}

}  // namespace gat::train
