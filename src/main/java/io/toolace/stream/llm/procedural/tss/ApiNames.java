package io.toolace.stream.llm.procedural.tss;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * API names in the styles found across ToolACE's pool: "Get Hourly Forecast", "Search Flights
 * API", "flights.search_by_route", "get_hourly_forecast", "getHourlyForecast". Verb synonyms and
 * optional qualifiers ("by route") vary the words, so the same functionality evolves into names
 * that differ after normalisation, not only in case.
 */
final class ApiNames {

    /** How a name is written. */
    enum NameStyle {
        TITLE, TITLE_API, DOTTED, SNAKE, CAMEL;

        /** The style an existing name is written in, so an evolved API can follow its example. */
        static NameStyle of(final String name) {
            final String trimmed = name.trim();
            if (trimmed.contains(" ")) {
                return trimmed.toLowerCase(Locale.ROOT).endsWith(" api") ? TITLE_API : TITLE;
            }
            if (trimmed.contains(".")) {
                return DOTTED;
            }
            if (trimmed.contains("_")) {
                return SNAKE;
            }
            for (int i = 1; i < trimmed.length(); i++) {
                if (Character.isUpperCase(trimmed.charAt(i)) && Character.isLowerCase(trimmed.charAt(i - 1))) {
                    return CAMEL;
                }
            }
            return TITLE;
        }

        static NameStyle random(final SplittableRandom rnd) {
            return values()[rnd.nextInt(values().length)];
        }
    }

    /** Chance that a name uses a verb synonym ("fetch" for "get"). */
    private static final double SYNONYM_RATE = 0.45;
    /** Chance that a name carries the first qualifier ("search flights by route"). */
    private static final double QUALIFIER_RATE = 0.4;

    private static final List<String> MULTI_HEADS = List.of("manage", "handle", "work with");
    private static final List<String> MULTI_TAILS = List.of("operations", "manager", "toolkit", "service", "hub");

    private ApiNames() {}

    static String name(final ApiDraft draft, final NameStyle style, final SplittableRandom rnd) {
        final List<String> phrase = draft.isMulti() ? multiPhrase(draft, rnd) : singlePhrase(draft, style, rnd);
        return switch (style) {
            case TITLE -> English.titleCase(String.join(" ", phrase));
            case TITLE_API -> English.titleCase(String.join(" ", phrase)) + " API";
            case SNAKE -> String.join("_", phrase);
            case CAMEL -> camel(phrase);
            case DOTTED -> {
                final List<String> namespace = English.words(rnd.nextInt(3) == 0 ? draft.domain : draft.subDomain);
                // "flights.search_flights_by_route" reads better as "flights.search_by_route".
                final List<String> rest = new ArrayList<>(List.of(phrase.get(0)));
                for (final String word : phrase.subList(1, phrase.size())) {
                    if (!namespace.contains(word)) {
                        rest.add(word);
                    }
                }
                final List<String> local = rest.size() > 1 ? rest : phrase;
                yield (namespace.isEmpty() ? "api" : String.join("_", namespace)) + "." + String.join("_", local);
            }
        };
    }

    private static List<String> singlePhrase(final ApiDraft draft, final NameStyle style, final SplittableRandom rnd) {
        final Operation op = draft.primary();
        final List<String> words = new ArrayList<>();
        final boolean dropVerb = style == NameStyle.TITLE_API && op.verbClass() == Verbs.VerbClass.READ
                && draft.companion == null && !op.object().isEmpty() && rnd.nextBoolean();
        if (!dropVerb) {
            words.addAll(English.words(verb(op.verb(), rnd)));
            if (draft.companion != null) {
                words.add("and");
                words.addAll(English.words(draft.companion));
            }
        }
        words.addAll(English.words(op.object().isEmpty() ? draft.entity() : op.object()));
        if (!op.qualifiers().isEmpty() && rnd.nextDouble() < QUALIFIER_RATE) {
            final Operation.Qualifier qualifier = op.qualifiers().get(0);
            words.add(qualifier.preposition());
            words.addAll(English.words(qualifier.phrase()));
        }
        return words;
    }

    private static List<String> multiPhrase(final ApiDraft draft, final SplittableRandom rnd) {
        final String entity = sharedEntity(draft);
        final List<String> subject = English.words(entity != null ? English.plural(entity) : draft.subDomain);
        final List<String> words = new ArrayList<>();
        if (rnd.nextBoolean()) {
            words.addAll(English.words(MULTI_HEADS.get(rnd.nextInt(MULTI_HEADS.size()))));
            words.addAll(subject);
        } else {
            final List<String> singular = new ArrayList<>(subject);
            singular.set(singular.size() - 1, English.singular(singular.get(singular.size() - 1)));
            words.addAll(singular);
            words.add(MULTI_TAILS.get(rnd.nextInt(MULTI_TAILS.size())));
        }
        if (draft.companion != null) {
            words.add("with");
            words.addAll(English.words(draft.companion));
        }
        return words;
    }

    /** The entity every operation shares, or null when they differ. */
    static String sharedEntity(final ApiDraft draft) {
        final String first = draft.entity(draft.primary());
        for (final Operation op : draft.operations) {
            if (!draft.entity(op).equals(first)) {
                return null;
            }
        }
        return first;
    }

    private static String verb(final String verb, final SplittableRandom rnd) {
        final List<String> synonyms = Verbs.synonyms(verb);
        if (synonyms.isEmpty() || rnd.nextDouble() >= SYNONYM_RATE) {
            return verb;
        }
        return synonyms.get(rnd.nextInt(synonyms.size()));
    }

    private static String camel(final List<String> words) {
        final StringBuilder out = new StringBuilder();
        for (final String word : words) {
            out.append(out.length() == 0 ? word : English.capitalise(word));
        }
        return out.toString();
    }
}
