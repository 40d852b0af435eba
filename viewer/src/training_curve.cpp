#include "gat/viewer/training_curve.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gat/core/error.hpp"

namespace gat::viewer {

std::vector<EpochPoint> read_training_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path, 0, "cannot open the training log");
  std::vector<EpochPoint> points;
  std::string line;
  for (std::int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const auto r = nlohmann::json::parse(line);
      points.push_back({r.value("run", std::int64_t{0}), r.at("epoch").get<std::int64_t>(),
                        r.at("train_loss").get<double>(), r.at("train_accuracy").get<double>(),
                        r.at("val_loss").get<double>(), r.at("val_accuracy").get<double>()});
    } catch (const nlohmann::json::exception& e) {
      throw DataError(path, number,
                      std::string("not a training log record (gat train --log writes one JSON object per epoch "
                                  "with epoch, train_loss, train_accuracy, val_loss, val_accuracy): ") +
                          e.what());
    }
  }
  if (points.empty()) throw DataError(path, 0, "the training log has no records");
  return points;
}

namespace {

std::string number(double v, int precision = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

struct Panel {
  double x0, y0, width, height;  // the plot area, in pixels
  double max_epoch, y_max;

  double x(double epoch) const { return x0 + width * epoch / std::max(1.0, max_epoch); }
  double y(double v) const { return y0 + height * (1.0 - std::min(v, y_max) / y_max); }
};

// Axes, ticks and the panel's title.
void draw_axes(std::ostringstream& svg, const Panel& p, const std::string& title) {
  svg << "<text x='" << p.x0 << "' y='" << p.y0 - 8 << "' class='title'>" << title << "</text>\n";
  svg << "<rect x='" << p.x0 << "' y='" << p.y0 << "' width='" << p.width << "' height='" << p.height
      << "' fill='none' stroke='#999'/>\n";
  for (int k = 0; k <= 4; ++k) {
    const double v = p.y_max * k / 4, e = p.max_epoch * k / 4;
    svg << "<text x='" << p.x0 - 4 << "' y='" << p.y(v) + 4 << "' text-anchor='end'>" << number(v, 3) << "</text>";
    svg << "<text x='" << p.x(e) << "' y='" << p.y0 + p.height + 14 << "' text-anchor='middle'>"
        << number(std::round(e), 6) << "</text>\n";
  }
  svg << "<text x='" << p.x0 + p.width / 2 << "' y='" << p.y0 + p.height + 30 << "' text-anchor='middle'>epoch</text>\n";
}

}  // namespace

std::string training_curve_svg(const std::vector<EpochPoint>& points, const std::string& title) {
  std::map<std::int64_t, std::vector<const EpochPoint*>> runs;
  double max_epoch = 1, max_loss = 0;
  for (const auto& p : points) {
    runs[p.run].push_back(&p);
    max_epoch = std::max<double>(max_epoch, static_cast<double>(p.epoch));
    max_loss = std::max({max_loss, p.train_loss, p.val_loss});
  }
  const Panel loss{60, 40, 360, 220, max_epoch, max_loss > 0 ? max_loss * 1.05 : 1};
  const Panel accuracy{500, 40, 360, 220, max_epoch, 1.0};
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' class='training-curve' width='900' height='320' "
         "viewBox='0 0 900 320' font-family='sans-serif' font-size='11'>\n"
      << "<style>.title{font-size:13px;font-weight:bold}</style>\n"
      << "<text x='450' y='16' text-anchor='middle' class='title'>" << escape(title) << "</text>\n";
  draw_axes(svg, loss, "loss");
  draw_axes(svg, accuracy, "accuracy");
  struct Series {
    const Panel* panel;
    double EpochPoint::*field;
    const char* colour;
    const char* name;
  };
  const Series series[] = {{&loss, &EpochPoint::train_loss, "#1f77b4", "train_loss"},
                           {&loss, &EpochPoint::val_loss, "#ff7f0e", "val_loss"},
                           {&accuracy, &EpochPoint::train_accuracy, "#1f77b4", "train_accuracy"},
                           {&accuracy, &EpochPoint::val_accuracy, "#ff7f0e", "val_accuracy"}};
  for (const auto& [run, epochs] : runs)
    for (const Series& s : series) {
      svg << "<polyline class='curve' data-series='" << s.name << "' data-run='" << run << "' fill='none' stroke='"
          << s.colour << "' stroke-opacity='" << (runs.size() > 1 ? 0.5 : 1.0) << "' points='";
      for (const EpochPoint* p : epochs)
        svg << number(s.panel->x(static_cast<double>(p->epoch)), 6) << ',' << number(s.panel->y(p->*s.field), 6) << ' ';
      svg << "'/>\n";
    }
  svg << "<g><rect x='700' y='286' width='12' height='3' fill='#1f77b4'/><text x='716' y='291'>training</text>"
      << "<rect x='780' y='286' width='12' height='3' fill='#ff7f0e'/><text x='796' y='291'>validation</text></g>\n"
      << "<text x='60' y='291'>" << runs.size() << " run(s), " << points.size() << " epochs logged</text>\n"
      << "</svg>\n";
  return svg.str();
}

}  // namespace gat::viewer
