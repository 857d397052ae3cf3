package io.toolace.stream.llm.procedural.tss;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The little English the procedural agents need to write readable names and descriptions. */
final class English {

    /** Letter acronyms read letter by letter, so the article follows the letter's sound ("an NFT"). */
    private static final Set<String> ACRONYMS = Set.of(
            "nft", "etf", "atm", "iam", "sms", "dns", "cdn", "tls", "api", "waf", "rss", "vpn", "ip",
            "pdf", "csv", "xml", "url", "uri", "sql", "crm", "tv", "ev", "gps", "ssl", "ocr", "hs", "ndc");

    /** Vowel-initial words read with a consonant sound ("a user", "a one-time code"). */
    private static final List<String> CONSONANT_SOUND_PREFIXES = List.of("uni", "use", "usa", "uti", "eu", "one");

    /** Words that end in "s" without being plurals of anything shorter. */
    private static final Set<String> INVARIANT = Set.of(
            "news", "series", "species", "analytics", "statistics", "economics", "politics", "physics", "logistics",
            "diagnostics", "metrics", "lyrics", "genetics", "electronics", "aerobics", "athletics", "gas");

    private static final Set<String> SILENT_H_WORDS = Set.of("hour", "hourly", "honest", "honor");

    private English() {}

    /** "a" or "an" for the phrase. */
    static String article(final String phrase) {
        final String first = firstWord(phrase).toLowerCase(Locale.ROOT);
        if (first.isEmpty()) {
            return "a";
        }
        if (ACRONYMS.contains(first)) {
            return "aefhilmnorsx".indexOf(first.charAt(0)) >= 0 ? "an" : "a";
        }
        if (SILENT_H_WORDS.contains(first)) {
            return "an";
        }
        for (final String prefix : CONSONANT_SOUND_PREFIXES) {
            if (first.startsWith(prefix)) {
                return "a";
            }
        }
        return Verbs.isVowel(first.charAt(0)) ? "an" : "a";
    }

    /** Regular plural of the last word: "policy" gives "policies", "tax rate" gives "tax rates". */
    static String plural(final String noun) {
        if (looksPlural(English.lastWord(noun)) || INVARIANT.contains(English.lastWord(noun))) {
            return noun; // already plural: "list notes" is about notes
        }
        if (noun.endsWith("y") && noun.length() > 1 && !Verbs.isVowel(noun.charAt(noun.length() - 2))) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("z") || noun.endsWith("ch")
                || noun.endsWith("sh")) {
            return noun + "es";
        }
        return noun + "s";
    }

    /** Undoes {@link #plural} for regular plurals; leaves words that do not look plural alone. */
    static String singular(final String word) {
        if (INVARIANT.contains(word)) {
            return word;
        }
        if (word.length() > 4 && word.endsWith("ies")) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.length() > 4 && (word.endsWith("ches") || word.endsWith("shes") || word.endsWith("xes")
                || word.endsWith("sses"))) {
            return word.substring(0, word.length() - 2);
        }
        if (looksPlural(word)) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /** Ends in a plural "s" (not "ss", "us" or "is": address, status, analysis). */
    static boolean looksPlural(final String word) {
        return !INVARIANT.contains(word) && word.length() > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")
                && !word.endsWith("is");
    }

    /** "a", "a and b", "a, b and c". */
    static String join(final List<String> items, final String conjunction) {
        if (items.size() <= 1) {
            return items.isEmpty() ? "" : items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " " + conjunction + " "
                + items.get(items.size() - 1);
    }

    static String capitalise(final String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Every word capitalised, acronyms upper-cased: "get nft floor price" gives "Get NFT Floor Price". */
    static String titleCase(final String text) {
        final StringBuilder out = new StringBuilder(text.length());
        for (final String word : text.trim().split("\\s+")) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(ACRONYMS.contains(word) ? word.toUpperCase(Locale.ROOT) : capitalise(word));
        }
        return out.toString();
    }

    static String lastWord(final String phrase) {
        final String trimmed = phrase.trim();
        return trimmed.substring(trimmed.lastIndexOf(' ') + 1);
    }

    static String firstWord(final String phrase) {
        final String trimmed = phrase.trim();
        final int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }

    /** Lower-case words of a phrase, split on anything that is not a letter or digit. */
    static List<String> words(final String phrase) {
        final List<String> words = new ArrayList<>(6);
        final StringBuilder word = new StringBuilder();
        for (int i = 0; i <= phrase.length(); i++) {
            final char c = i < phrase.length() ? phrase.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                word.append(Character.toLowerCase(c));
            } else if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
        }
        return words;
    }
}
