package io.toolace.stream.llm.procedural.sdg;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user asks an API to do, in the user's words: the API description turned into an imperative
 * ("Retrieves the hourly forecast for a location." -> "retrieve the hourly forecast for a location"),
 * or the API's name when the description does not start with a verb.
 */
final class Intent {

    /** Verbs API names and descriptions start with; a name's leading verb is dropped to get its topic. */
    static final Set<String> LEADING_VERBS = Set.of("get", "search", "find", "fetch", "retrieve", "list",
            "lookup", "look", "query", "check", "calculate", "compute", "convert", "create", "book", "send",
            "update", "delete", "generate", "translate", "validate", "estimate", "track", "show", "return");
    private static final Set<String> SUBJECTS = Set.of("this api", "this endpoint", "this tool", "this function",
            "the api", "api to", "an api to", "endpoint to", "a tool to", "used to", "allows users to",
            "allows you to", "this api allows users to", "this api allows you to");
    /** Further verbs a description may open with (in their base form). */
    private static final Set<String> KNOWN_BASE = Set.of("provide", "give", "obtain", "add", "remove", "cancel",
            "schedule", "reserve", "recommend", "suggest", "analyze", "analyse", "compare", "summarize", "detect",
            "identify", "predict", "monitor", "measure", "register", "submit", "upload", "download", "verify",
            "locate", "match", "rank", "filter", "report", "post", "play", "order", "buy", "sell", "transfer",
            "pay", "rate", "review", "assess", "evaluate", "extract", "parse", "format", "encode", "decode",
            "resolve", "plan", "optimize", "forecast", "notify", "subscribe", "set", "modify", "edit", "manage",
            "determine", "display", "access", "explore", "discover", "count");
    private static final int MAX_LENGTH = 140;
    private static final Pattern AND_VERB = Pattern.compile("(\\b(?:and|or|then) )(\\w+)");

    private Intent() {}

    static String of(final ApiSpec api) {
        final String phrase = imperative(firstSentence(api.description()));
        return phrase != null ? phrase : "use " + api.name();
    }

    private static String firstSentence(final String description) {
        String s = description == null ? "" : description.trim();
        final int stop = s.indexOf(". ");
        if (stop > 0) {
            s = s.substring(0, stop);
        }
        while (s.endsWith(".") || s.endsWith("!")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.length() > MAX_LENGTH) {
            final int cut = s.lastIndexOf(' ', MAX_LENGTH);
            s = s.substring(0, cut > 0 ? cut : MAX_LENGTH);
        }
        return s;
    }

    /** The sentence as an imperative, or null when it does not begin with a recognisable verb. */
    private static String imperative(final String sentence) {
        String s = sentence;
        final String lower = s.toLowerCase(Locale.ROOT);
        for (final String subject : SUBJECTS) {
            if (lower.startsWith(subject + " ")) {
                s = s.substring(subject.length() + 1);
                break;
            }
        }
        final int space = s.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        final String verb = s.substring(0, space).toLowerCase(Locale.ROOT);
        final String base = baseForm(verb);
        if (base == null) {
            return null;
        }
        return base + coordinated(s.substring(space));
    }

    /** "... and converts an amount" -> "... and convert an amount": verbs joined by "and" follow the first into the imperative. */
    private static String coordinated(final String rest) {
        final Matcher m = AND_VERB.matcher(rest);
        final StringBuilder out = new StringBuilder(rest.length());
        while (m.find()) {
            final String base = baseForm(m.group(2).toLowerCase(Locale.ROOT));
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + (base == null ? m.group(2) : base)));
        }
        return m.appendTail(out).toString();
    }

    /** "retrieves" -> "retrieve", "searches" -> "search", "applies" -> "apply"; null for a non-verb. */
    private static String baseForm(final String word) {
        if (LEADING_VERBS.contains(word) || KNOWN_BASE.contains(word)) {
            return word;
        }
        final String candidate;
        if (word.endsWith("ies")) {
            candidate = word.substring(0, word.length() - 3) + "y";
        } else if (word.endsWith("ches") || word.endsWith("shes") || word.endsWith("sses") || word.endsWith("xes")) {
            candidate = word.substring(0, word.length() - 2);
        } else if (word.endsWith("s")) {
            candidate = word.substring(0, word.length() - 1);
        } else {
            return null;
        }
        return LEADING_VERBS.contains(candidate) || KNOWN_BASE.contains(candidate) ? candidate : null;
    }
}
