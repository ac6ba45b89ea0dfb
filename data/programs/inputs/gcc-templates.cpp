// A C++ file for the program benchmark (data/programs/gcc.yaml): g++ -O2 compiles it, and what g++ allocates while
// it parses the standard headers and instantiates these templates is the workload. The code only has to compile.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

namespace bench {

template <typename Key, typename Value>
struct Table {
    std::map<Key, std::vector<Value>> rows;
    std::unordered_map<Key, std::size_t> counts;

    void add(const Key& key, Value value) {
        rows[key].push_back(std::move(value));
        ++counts[key];
    }

    template <typename F>
    auto fold(F f) const {
        using R = decltype(f(std::declval<const Value&>()));
        R total{};
        for (const auto& [key, values] : rows)
            for (const auto& v : values)
                total = total + f(v);
        return total;
    }
};

using Cell = std::variant<long, double, std::string>;

struct Visitor {
    std::string operator()(long v) const { return std::to_string(v); }
    std::string operator()(double v) const { std::ostringstream s; s << v; return s.str(); }
    std::string operator()(const std::string& v) const { return v; }
};

template <int N>
struct Unrolled {
    template <typename T>
    static T sum(const std::vector<T>& v) { return (v.size() > N ? v[N] : T{}) + Unrolled<N - 1>::sum(v); }
};

template <>
struct Unrolled<0> {
    template <typename T>
    static T sum(const std::vector<T>& v) { return v.empty() ? T{} : v[0]; }
};

template <typename... Ts>
std::tuple<std::vector<Ts>...> columns(std::size_t n) {
    return std::tuple<std::vector<Ts>...>(std::vector<Ts>(n)...);
}

std::vector<std::string> tokens(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

template <typename T>
std::optional<T> median(std::vector<T> v) {
    if (v.empty())
        return std::nullopt;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
};

template <int Sides>
struct Polygon : Shape {
    double side;
    explicit Polygon(double s) : side(s) {}
    double area() const override { return Sides * side * side / 4.0; }
};

std::vector<std::unique_ptr<Shape>> shapes(int n) {
    std::vector<std::unique_ptr<Shape>> out;
    for (int i = 0; i < n; ++i) {
        switch (i % 5) {
        case 0: out.push_back(std::make_unique<Polygon<3>>(i)); break;
        case 1: out.push_back(std::make_unique<Polygon<4>>(i)); break;
        case 2: out.push_back(std::make_unique<Polygon<5>>(i)); break;
        case 3: out.push_back(std::make_unique<Polygon<6>>(i)); break;
        default: out.push_back(std::make_unique<Polygon<8>>(i)); break;
        }
    }
    return out;
}

} // namespace bench

double run(const std::string& text) {
    bench::Table<std::string, double> table;
    bench::Table<long, std::string> names;
    auto words = bench::tokens(text);
    for (std::size_t i = 0; i < words.size(); ++i) {
        table.add(words[i], static_cast<double>(i));
        names.add(static_cast<long>(i % 17), words[i]);
    }
    std::vector<bench::Cell> cells{1L, 2.5, std::string("three")};
    std::string joined;
    for (const auto& c : cells)
        joined += std::visit(bench::Visitor{}, c);
    auto [a, b, c] = bench::columns<int, double, std::string>(words.size());
    std::iota(a.begin(), a.end(), 0);
    std::transform(a.begin(), a.end(), b.begin(), [](int x) { return x * 0.5; });
    std::set<std::string> unique(words.begin(), words.end());
    auto total = table.fold([](double v) { return v; }) + bench::Unrolled<24>::sum(b);
    auto m = bench::median(b).value_or(0.0);
    double area = 0;
    for (const auto& s : bench::shapes(50))
        area += s->area();
    std::function<double(double)> scale = [&](double x) { return x * static_cast<double>(unique.size() + joined.size() + c.size()); };
    return scale(total + m + area) + names.fold([](const std::string& s) { return static_cast<long>(s.size()); });
}
