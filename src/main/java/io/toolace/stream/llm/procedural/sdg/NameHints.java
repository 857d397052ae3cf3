package io.toolace.stream.llm.procedural.sdg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a property's name (or, failing that, its description) says about its values: the pool a
 * string comes from, the range a number lies in. Rules are tried in order, so the specific ones
 * ({@code first_name}) precede the general ones ({@code name}) and the earliest rule any word of the
 * name matches wins; matching is on whole words of the humanized identifier, so {@code destination}
 * does not match {@code nation}.
 */
final class NameHints {

    private record TextRule(List<String> words, BiFunction<JsonNode, SplittableRandom, String> value) {}

    private record RangeRule(List<String> words, double lo, double hi) {}

    private static final List<TextRule> TEXT = List.of(
            text(List.of("email", "mail"), ValueForge::email),
            text(List.of("url", "uri", "link", "website", "homepage", "endpoint"),
                    r -> "https://www.example.com/" + Lexicon.pick(Lexicon.WORDS, r)),
            text(List.of("phone", "mobile", "telephone", "tel"), r -> "+1-202-555-01" + (10 + r.nextInt(90))),
            text(List.of("datetime", "timestamp"), r -> ValueForge.date(r) + "T" + ValueForge.clock(r) + ":00Z"),
            text(List.of("date", "birthday", "dob", "checkin", "checkout"), ValueForge::date),
            text(List.of("time"), ValueForge::clock),
            text(List.of("airport", "iata"), r -> Lexicon.pick(Lexicon.AIRPORTS, r)),
            text(List.of("first"), r -> Lexicon.pick(Lexicon.FIRST_NAMES, r)),
            text(List.of("last", "surname", "family"), r -> Lexicon.pick(Lexicon.LAST_NAMES, r)),
            text(List.of("username", "handle", "login"),
                    r -> (Lexicon.pick(Lexicon.FIRST_NAMES, r) + "_" + Lexicon.pick(Lexicon.LAST_NAMES, r)).toLowerCase(Locale.ROOT)),
            text(List.of("person", "customer", "passenger", "author", "artist", "guest", "player", "contact",
                    "recipient", "owner", "manager", "employee", "patient", "student", "traveler", "attendee"),
                    Lexicon::personName),
            text(List.of("currency"), r -> Lexicon.pick(Lexicon.CURRENCIES, r)),
            text(List.of("lang", "locale"), r -> Lexicon.pick(Lexicon.LANGUAGE_CODES, r)),
            text(List.of("language"), r -> Lexicon.pick(Lexicon.LANGUAGES, r)),
            text(List.of("zip", "postal", "postcode"), r -> String.valueOf(10000 + r.nextInt(89999))),
            text(List.of("address", "street"), r -> Lexicon.pick(Lexicon.STREETS, r)),
            text(List.of("country"), r -> Lexicon.pick(Lexicon.COUNTRIES, r)),
            text(List.of("origin", "destination", "departure", "arrival", "from", "to"), NameHints::place),
            text(List.of("city", "town", "location", "place", "region", "area", "venue"),
                    r -> Lexicon.pick(Lexicon.CITIES, r)),
            text(List.of("company", "organization", "organisation", "employer", "brand", "vendor", "merchant"),
                    r -> Lexicon.pick(Lexicon.COMPANIES, r)),
            text(List.of("product", "item"), r -> Lexicon.pick(Lexicon.PRODUCTS, r)),
            text(List.of("symbol", "ticker", "stock"), r -> Lexicon.pick(Lexicon.TICKERS, r)),
            text(List.of("airline", "carrier"), r -> Lexicon.pick(Lexicon.AIRLINES, r)),
            text(List.of("query", "keyword", "keywords", "search", "term", "q", "question"),
                    r -> Lexicon.pick(Lexicon.QUERIES, r)),
            text(List.of("topic", "subject", "title"), r -> Lexicon.capitalize(Lexicon.pick(Lexicon.TOPICS, r))),
            text(List.of("message", "text", "body"), r -> Lexicon.pick(Lexicon.MESSAGES, r)),
            text(List.of("description", "note", "notes", "comment", "summary", "bio", "content", "review"),
                    r -> Lexicon.pick(Lexicon.DESCRIPTIONS, r)),
            text(List.of("color", "colour"), r -> Lexicon.pick(Lexicon.COLORS, r)),
            text(List.of("genre", "category"), r -> Lexicon.pick(Lexicon.GENRES, r)),
            text(List.of("sport"), r -> Lexicon.pick(Lexicon.SPORTS, r)),
            text(List.of("team", "club"), r -> Lexicon.pick(Lexicon.TEAMS, r)),
            text(List.of("status", "state"), r -> Lexicon.pick(Lexicon.STATUSES, r)),
            text(List.of("name"), r -> Lexicon.personName(r)));

    private static final List<RangeRule> RANGES = List.of(
            range(List.of("latitude", "lat"), -60, 70),
            range(List.of("longitude", "lon", "lng"), -150, 150),
            range(List.of("temperature", "temp"), -10, 35),
            range(List.of("age"), 18, 80),
            range(List.of("year"), 2020, 2026),
            range(List.of("month"), 1, 12),
            range(List.of("day"), 1, 28),
            range(List.of("hour", "hours"), 0, 23),
            range(List.of("minute", "minutes"), 0, 59),
            range(List.of("page"), 1, 10),
            range(List.of("rating", "stars", "score"), 1, 5),
            range(List.of("days", "nights", "duration", "weeks"), 1, 14),
            range(List.of("guests", "adults", "people", "passengers", "travelers", "players", "rooms",
                    "children", "seats", "persons"), 1, 6),
            range(List.of("limit", "count", "max", "size", "num", "number", "results", "top", "quantity"), 1, 20),
            range(List.of("percent", "percentage"), 0, 100),
            range(List.of("radius", "distance", "km", "miles"), 1, 50),
            range(List.of("price", "cost", "budget", "salary", "amount", "total", "balance", "fee"), 10, 2000),
            range(List.of("id", "code"), 1000, 99999));

    private static final Map<String, Integer> TEXT_INDEX = index(TEXT.stream().map(TextRule::words).toList());
    private static final Map<String, Integer> RANGE_INDEX = index(RANGES.stream().map(RangeRule::words).toList());
    private static final double[] DEFAULT_RANGE = {1, 100};
    /** Words too common in prose to mean anything when they occur in a description rather than a name. */
    private static final Set<String> PROSE = Set.of("to", "from", "name", "time", "state", "text", "item", "term");

    private NameHints() {}

    private static TextRule text(final List<String> words, final Function<SplittableRandom, String> value) {
        return new TextRule(words, (schema, rnd) -> value.apply(rnd));
    }

    private static TextRule text(final List<String> words, final BiFunction<JsonNode, SplittableRandom, String> value) {
        return new TextRule(words, value);
    }

    /** A trip's end: an airport code where the schema asks for a code (a pattern, a short length, "IATA"), else a city. */
    private static String place(final JsonNode schema, final SplittableRandom rnd) {
        final String description = schema.path("description").asText("").toLowerCase(Locale.ROOT);
        final boolean code = schema.has("pattern") || schema.path("maxLength").asInt(Integer.MAX_VALUE) <= 4
                || description.contains("iata") || description.contains("airport") || description.contains("code");
        return Lexicon.pick(code ? Lexicon.AIRPORTS : Lexicon.CITIES, rnd);
    }

    private static RangeRule range(final List<String> words, final double lo, final double hi) {
        return new RangeRule(words, lo, hi);
    }

    /**
     * A realistic string for the property, from its name, else from its description, else null. An
     * identifier ({@code order_id}, {@code booking_code}) gets a prefix from the name: ORD-48213.
     */
    static String text(final String name, final JsonNode schema, final SplittableRandom rnd) {
        final List<String> words = List.of(Lexicon.humanize(name).split(" "));
        final String last = words.get(words.size() - 1);
        if (words.size() > 1 && (last.equals("id") || last.equals("code") || last.equals("number")
                || last.equals("ref") || last.equals("reference"))) {
            return identifier(words.get(0), rnd);
        }
        if (last.equals("id") || last.equals("identifier") || last.equals("sku")) {
            return identifier("id", rnd);
        }
        final String byName = firstMatch(words, Set.of(), schema, rnd);
        if (byName != null) {
            return byName;
        }
        final String description = schema.path("description").asText("");
        return description.isEmpty() ? null
                : firstMatch(List.of(Lexicon.humanize(description).split(" ")), PROSE, schema, rnd);
    }

    private static String firstMatch(final List<String> words, final Set<String> ignored, final JsonNode schema,
            final SplittableRandom rnd) {
        int best = Integer.MAX_VALUE;
        for (final String w : words) {
            final Integer rule = TEXT_INDEX.get(w);
            if (rule != null && rule < best && !ignored.contains(w)) {
                best = rule;
            }
        }
        return best == Integer.MAX_VALUE ? null : TEXT.get(best).value.apply(schema, rnd);
    }

    private static String identifier(final String stem, final SplittableRandom rnd) {
        final String prefix = stem.length() >= 3 ? stem.substring(0, 3) : stem;
        return prefix.toUpperCase(Locale.ROOT) + "-" + (10000 + rnd.nextInt(90000));
    }

    /** The realistic range for a numeric property, by the words of its name. */
    static double[] numberRange(final String name) {
        int best = Integer.MAX_VALUE;
        for (final String w : Lexicon.humanize(name).split(" ")) {
            final Integer rule = RANGE_INDEX.get(w);
            if (rule != null && rule < best) {
                best = rule;
            }
        }
        return best == Integer.MAX_VALUE ? DEFAULT_RANGE : new double[] {RANGES.get(best).lo, RANGES.get(best).hi};
    }

    /** Word -> position of the first rule that lists it; the lowest position among a name's words wins. */
    private static Map<String, Integer> index(final List<List<String>> rules) {
        final Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            for (final String w : rules.get(i)) {
                out.putIfAbsent(w, i);
            }
        }
        return Map.copyOf(out);
    }
}
