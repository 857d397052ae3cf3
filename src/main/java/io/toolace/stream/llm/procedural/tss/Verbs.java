package io.toolace.stream.llm.procedural.tss;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The verbs that open functionality phrases ("refund a payment"), with what kind of operation
 * each names and the synonyms that vary API names. Loaded from {@code procedural/verbs.tsv}.
 */
final class Verbs {

    /** What an operation does to its object; drives parameters and the response shape. */
    enum VerbClass {
        /** Returns one thing: get, check, track. */
        READ,
        /** Returns many: list, search, compare. */
        COLLECTION,
        /** Makes a new entity: create, book, send. */
        CREATE,
        /** Changes an existing entity: update, assign, pause. */
        MODIFY,
        /** Ends or deletes an entity: delete, cancel, revoke. */
        REMOVE,
        /** Computes or acts on inputs: calculate, convert, refund. */
        ACTION
    }

    private static final String PATH = "procedural/verbs.tsv";

    private record Entry(VerbClass verbClass, List<String> synonyms) {}

    private static final Map<String, Entry> ENTRIES = load();

    private Verbs() {}

    /** The class of a verb in its base form; a verb the lexicon does not list acts on inputs. */
    static VerbClass classOf(final String verb) {
        final Entry entry = ENTRIES.get(verb);
        return entry == null ? VerbClass.ACTION : entry.verbClass();
    }

    /** Synonyms to vary API names with; empty for an unlisted verb. */
    static List<String> synonyms(final String verb) {
        final Entry entry = ENTRIES.get(verb);
        return entry == null ? List.of() : entry.synonyms();
    }

    /**
     * The base form when {@code word} is a listed verb or its third-person form ("returns" gives
     * "return" when listed), else {@code null}. Speciation uses it to tell sentences that name an
     * operation from prose.
     */
    static String baseOf(final String word) {
        final String lower = word.toLowerCase(Locale.ROOT);
        if (ENTRIES.containsKey(lower)) {
            return lower;
        }
        if (lower.endsWith("ies") && ENTRIES.containsKey(lower.substring(0, lower.length() - 3) + "y")) {
            return lower.substring(0, lower.length() - 3) + "y";
        }
        if (lower.endsWith("es") && ENTRIES.containsKey(lower.substring(0, lower.length() - 2))) {
            return lower.substring(0, lower.length() - 2);
        }
        if (lower.endsWith("s") && ENTRIES.containsKey(lower.substring(0, lower.length() - 1))) {
            return lower.substring(0, lower.length() - 1);
        }
        return null;
    }

    /** "refund" gives "refunds", "search" gives "searches", "apply" gives "applies". */
    static String thirdPerson(final String verb) {
        if (verb.endsWith("y") && verb.length() > 1 && !isVowel(verb.charAt(verb.length() - 2))) {
            return verb.substring(0, verb.length() - 1) + "ies";
        }
        if (verb.endsWith("s") || verb.endsWith("x") || verb.endsWith("z") || verb.endsWith("ch")
                || verb.endsWith("sh") || verb.endsWith("o")) {
            return verb + "es";
        }
        return verb + "s";
    }

    static boolean isVowel(final char c) {
        return "aeiou".indexOf(c) >= 0;
    }

    private static Map<String, Entry> load() {
        final Map<String, Entry> entries = new HashMap<>();
        for (final String line : Resources.dataLines(PATH)) {
            final String[] fields = Resources.columns(PATH, line, 3);
            final VerbClass verbClass;
            try {
                verbClass = VerbClass.valueOf(fields[1].trim());
            } catch (final IllegalArgumentException e) {
                throw new IllegalStateException(PATH + ": unknown verb class '" + fields[1] + "' in: " + line, e);
            }
            final List<String> synonyms = fields[2].isBlank()
                    ? List.of()
                    : List.of(fields[2].trim().split("\\s*,\\s*"));
            entries.put(fields[0].trim(), new Entry(verbClass, synonyms));
        }
        return Map.copyOf(entries);
    }
}
