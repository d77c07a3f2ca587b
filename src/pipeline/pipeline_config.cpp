#include "jaams/pipeline/pipeline_config.hpp"

#include "jaams/util/error.hpp"

namespace jaams::pipeline {

PipelineConfig read_pipeline_config(YamlSection& root) {
  PipelineConfig c;
  YamlSection audio = root.section("audio");
  std::string remainder = audio::to_string(c.segments.remainder);
  audio.read("sample_rate", c.sample_rate)
      .read("segment_seconds", c.segments.seconds)
      .read("hop_seconds", c.segments.hop_seconds)
      .read_choice("remainder", remainder, {"pad", "drop", "end"})
      .read("pad_min_fraction", c.segments.pad_min_fraction);
  audio.reject_unknown_keys();
  c.segments.remainder = audio::parse_remainder_policy(remainder);

  YamlSection feat = root.section("features");
  std::string tuning = "auto";
  if (feat.has("tuning") && feat.raw("tuning").Scalar() != "auto") {
    double value = 0.0;
    feat.read("tuning", value);
    c.features.estimate_tuning = false;
    c.features.tuning = value;
  } else {
    feat.read_choice("tuning", tuning, {"auto"});
  }
  feat.read("n_fft", c.features.n_fft)
      .read("hop_length", c.features.hop_length)
      .read("n_mels", c.features.n_mels)
      .read("fmin", c.features.fmin)
      .read("fmax", c.features.fmax)
      .read("amin", c.features.amin)
      .read("top_db", c.features.top_db)
      .read("n_chroma", c.features.n_chroma);
  feat.reject_unknown_keys();

  YamlSection img = root.section("image");
  std::string colormap = image::to_string(c.image.colormap);
  img.read("height", c.image.height).read("width", c.image.width).read_choice("colormap", colormap, {"magma", "gray"});
  img.reject_unknown_keys();
  c.image.colormap = image::parse_colormap(colormap);

  c.features.sample_rate = c.sample_rate;
  validate(c);
  return c;
}

void validate(const PipelineConfig& c) {
  if (c.sample_rate < 4000 || c.sample_rate > 192000) {
    throw Error("audio.sample_rate: expected 4000..192000 Hz, got " + std::to_string(c.sample_rate));
  }
  if (c.features.sample_rate != c.sample_rate) throw Error("features.sample_rate must equal audio.sample_rate");
  audio::validate(c.segments);
  features::validate(c.features);
  image::validate(c.image);
}

nlohmann::json to_json(const PipelineConfig& c) {
  nlohmann::json tuning = c.features.estimate_tuning ? nlohmann::json("auto") : nlohmann::json(c.features.tuning);
  return {
      {"audio",
       {{"sample_rate", c.sample_rate},
        {"segment_seconds", c.segments.seconds},
        {"hop_seconds", c.segments.hop_seconds},
        {"remainder", audio::to_string(c.segments.remainder)},
        {"pad_min_fraction", c.segments.pad_min_fraction}}},
      {"features",
       {{"n_fft", c.features.n_fft},
        {"hop_length", c.features.hop_length},
        {"n_mels", c.features.n_mels},
        {"fmin", c.features.fmin},
        {"fmax", c.features.fmax},
        {"amin", c.features.amin},
        {"top_db", c.features.top_db},
        {"n_chroma", c.features.n_chroma},
        {"tuning", tuning}}},
      {"image", {{"height", c.image.height}, {"width", c.image.width}, {"colormap", image::to_string(c.image.colormap)}}},
  };
}

PipelineConfig pipeline_config_from_json(const nlohmann::json& j, const std::string& what) {
  PipelineConfig c;
  try {
    const auto& a = j.at("audio");
    c.sample_rate = a.at("sample_rate").get<int>();
    c.segments.seconds = a.at("segment_seconds").get<double>();
    c.segments.hop_seconds = a.at("hop_seconds").get<double>();
    c.segments.remainder = audio::parse_remainder_policy(a.at("remainder").get<std::string>());
    c.segments.pad_min_fraction = a.at("pad_min_fraction").get<double>();
    const auto& f = j.at("features");
    c.features.sample_rate = c.sample_rate;
    c.features.n_fft = f.at("n_fft").get<int>();
    c.features.hop_length = f.at("hop_length").get<int>();
    c.features.n_mels = f.at("n_mels").get<int>();
    c.features.fmin = f.at("fmin").get<double>();
    c.features.fmax = f.at("fmax").get<double>();
    c.features.amin = f.at("amin").get<double>();
    c.features.top_db = f.at("top_db").get<double>();
    c.features.n_chroma = f.at("n_chroma").get<int>();
    const auto& t = f.at("tuning");
    c.features.estimate_tuning = t.is_string();
    c.features.tuning = t.is_number() ? t.get<double>() : 0.0;
    const auto& i = j.at("image");
    c.image.height = i.at("height").get<int>();
    c.image.width = i.at("width").get<int>();
    c.image.colormap = image::parse_colormap(i.at("colormap").get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + ": pipeline settings are incomplete or malformed: " + e.what());
  }
  try {
    validate(c);
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
  return c;
}

}  // namespace jaams::pipeline
