// bench/simdjson_probe.cc: the library alternative to llm4rec-data's hand-written JSON scanner,
// measured, not used (docs/PERFORMANCE.md, "Library choices").  Reads Amazon 2014/2018 review
// JSON lines (plain, not gzip) and writes reviewerID, asin, overall, unixReviewTime as TSV, with
// simdjson's On-Demand API (Debian libsimdjson-dev), one thread, one document per line:
//
//   g++ -O2 -std=c++17 bench/simdjson_probe.cc -lsimdjson -o build/simdjson_probe
//   build/simdjson_probe reviews.json > out.tsv
//
// It does less than llm4rec-data: no SHA-256 of input and output, no UTF-8 check of the fields it
// skips (On-Demand validates only what it visits), no error per line with its number.
#include <simdjson.h>

#include <cstdio>
#include <string>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: simdjson_probe FILE.json\n");
        return 2;
    }
    simdjson::padded_string json;
    if (simdjson::padded_string::load(argv[1]).get(json)) {
        std::fprintf(stderr, "simdjson_probe: cannot read %s\n", argv[1]);
        return 1;
    }
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document_stream docs;
    if (parser.iterate_many(json).get(docs)) {
        std::fprintf(stderr, "simdjson_probe: iterate_many failed\n");
        return 1;
    }
    std::string out;
    out.reserve(1 << 20);
    out += "user_id\titem_id\trating\ttimestamp\n";
    size_t n = 0;
    for (auto doc : docs) {
        std::string_view user, item;
        double rating;
        int64_t ts;
        simdjson::ondemand::object o;
        if (doc.get_object().get(o) || o["reviewerID"].get_string().get(user) ||
            o["asin"].get_string().get(item) || o["overall"].get_double().get(rating) ||
            o["unixReviewTime"].get_int64().get(ts)) {
            std::fprintf(stderr, "simdjson_probe: record %zu: not the expected shape\n", n + 1);
            return 1;
        }
        char num[64];
        out.append(user);
        out += '\t';
        out.append(item);
        std::snprintf(num, sizeof num, "\t%.1f\t%lld\n", rating, (long long)ts);
        out += num;
        if (out.size() > (1 << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
        n++;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
