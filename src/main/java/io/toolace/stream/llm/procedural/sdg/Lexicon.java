package io.toolace.stream.llm.procedural.sdg;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Word pools for realistic values and phrasing. ASCII only: the rule layer rejects mixed scripts,
 * and a value must survive being quoted in a user turn unchanged.
 */
final class Lexicon {

    static final List<String> CITIES = List.of("Paris", "Berlin", "Tokyo", "Chicago", "Toronto", "Madrid",
            "Lisbon", "Seattle", "Denver", "Austin", "Dublin", "Oslo", "Vienna", "Prague", "Sydney", "Boston",
            "Nairobi", "Lima", "Osaka", "Munich", "Rome", "Cairo", "Mumbai", "Singapore", "Vancouver");
    static final List<String> COUNTRIES = List.of("France", "Germany", "Japan", "Canada", "Spain", "Portugal",
            "Ireland", "Norway", "Austria", "Kenya", "Peru", "Brazil", "India", "Australia", "Mexico", "Italy");
    static final List<String> FIRST_NAMES = List.of("Ann", "Bruno", "Chen", "Dana", "Elif", "Farah", "Gustavo",
            "Hana", "Ivan", "Jonas", "Keiko", "Liam", "Maya", "Nikos", "Olga", "Priya", "Rafael", "Sofia", "Tomas");
    static final List<String> LAST_NAMES = List.of("Lee", "Novak", "Garcia", "Okafor", "Schmidt", "Tanaka",
            "Rossi", "Dubois", "Silva", "Kowalski", "Haddad", "Larsen", "Moreau", "Patel", "Quinn", "Brennan");
    static final List<String> COMPANIES = List.of("Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Works",
            "Northwind Traders", "Contoso", "Blue Harbor Foods", "Vertex Analytics", "Pinecrest Bank");
    static final List<String> PRODUCTS = List.of("wireless headphones", "standing desk", "espresso machine",
            "trail running shoes", "mechanical keyboard", "air purifier", "yoga mat", "smart watch", "backpack");
    static final List<String> QUERIES = List.of("vegan lasagna recipes", "electric cars under budget",
            "best hiking trails", "remote data engineer jobs", "jazz concerts this weekend", "beginner guitar lessons",
            "quarterly revenue report", "solar panel installers", "kids science museums", "noise cancelling headphones");
    static final List<String> TOPICS = List.of("renewable energy", "machine learning", "urban gardening",
            "space exploration", "personal finance", "ancient history", "climate policy", "sleep science");
    static final List<String> CURRENCIES = List.of("USD", "EUR", "GBP", "JPY", "CAD", "CHF", "AUD", "SEK");
    static final List<String> LANGUAGES = List.of("English", "Spanish", "French", "German", "Japanese", "Portuguese");
    static final List<String> LANGUAGE_CODES = List.of("en", "es", "fr", "de", "ja", "pt", "it", "nl");
    static final List<String> AIRPORTS = List.of("JFK", "LHR", "CDG", "FRA", "NRT", "SFO", "ORD", "MAD", "YYZ", "DXB");
    static final List<String> AIRLINES = List.of("Lufthansa", "Air France", "Delta", "Qantas", "Iberia", "KLM");
    static final List<String> TICKERS = List.of("AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "GOOGL", "SAP", "ASML");
    static final List<String> COLORS = List.of("red", "navy blue", "forest green", "black", "white", "silver");
    static final List<String> GENRES = List.of("jazz", "science fiction", "documentary", "thriller", "indie pop",
            "classical", "comedy", "hip hop");
    static final List<String> SPORTS = List.of("football", "basketball", "tennis", "cricket", "ice hockey", "rugby");
    static final List<String> TEAMS = List.of("Chicago Bulls", "Real Madrid", "Boston Celtics", "Ajax",
            "Toronto Maple Leafs", "Benfica");
    static final List<String> STREETS = List.of("12 Baker Street", "480 Market Street", "7 Rue Cler",
            "221 Elm Avenue", "95 King Street West", "3 Harbour Road");
    static final List<String> STATUSES = List.of("active", "pending", "completed", "confirmed", "available");
    static final List<String> WORDS = List.of("amber", "beacon", "cobalt", "delta", "ember", "fjord", "garnet",
            "harbor", "indigo", "juniper", "kestrel", "lumen", "meadow", "nimbus", "orchid", "prairie", "quartz",
            "river", "summit", "tundra", "umber", "velvet", "willow", "zephyr");
    static final List<String> DESCRIPTIONS = List.of("Quiet corner room with a view of the park",
            "Family owned place known for fresh pasta", "Compact model with a long battery life",
            "Guided tour through the old town", "Updated schedule after the holiday",
            "Clear skies expected for most of the day");
    static final List<String> MESSAGES = List.of("Running ten minutes late, start without me",
            "Please confirm the booking for Friday", "The report is ready for review",
            "Happy birthday, have a great day", "Reminder: team lunch at noon");
    /** Names no API declares, for the undeclared-argument fault; each is a boolean flag. */
    static final List<String> UNDECLARED_FLAGS = List.of("verbose", "include_metadata", "force_refresh",
            "debug_mode", "use_cache", "strict_mode");
    /** Words that fit no enum of a sane API, for the enum-violation fault. */
    static final List<String> OFF_ENUM = List.of("experimental", "legacy", "unspecified", "extended", "custom");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Lexicon() {}

    static String pick(final List<String> pool, final SplittableRandom rnd) {
        return pool.get(rnd.nextInt(pool.size()));
    }

    static String personName(final SplittableRandom rnd) {
        return pick(FIRST_NAMES, rnd) + " " + pick(LAST_NAMES, rnd);
    }

    /** Spaced lowercase words of an identifier: {@code departure_date}, {@code maxResults} -> "departure date", "max results". */
    static String humanize(final String identifier) {
        final StringBuilder out = new StringBuilder(identifier.length() + 4);
        char previous = ' ';
        for (int i = 0; i < identifier.length(); i++) {
            final char c = identifier.charAt(i);
            if (c == '_' || c == '-' || c == '.' || c == ' ') {
                if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
            } else if (Character.isUpperCase(c) && Character.isLowerCase(previous)) {
                out.append(' ').append(Character.toLowerCase(c));
            } else {
                out.append(Character.toLowerCase(c));
            }
            previous = c;
        }
        return out.toString().trim();
    }

    static String capitalize(final String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** Lowercase with runs of whitespace as one space: the form in which two messages count as the same. */
    static String normalised(final String text) {
        return WHITESPACE.matcher(text.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** "a", "a and b", "a, b and c". */
    static String joinAnd(final List<String> parts) {
        if (parts.size() <= 1) {
            return parts.isEmpty() ? "" : parts.get(0);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }
}
