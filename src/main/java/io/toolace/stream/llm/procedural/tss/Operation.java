package io.toolace.stream.llm.procedural.tss;

import io.toolace.stream.llm.procedural.tss.Verbs.VerbClass;
import io.toolace.stream.records.ContextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A functionality node read as an operation: "get hourly forecast for a location" is the verb
 * {@code get} (a READ) on the object "hourly forecast" qualified by "location"; its description's
 * connectors say which attributes it returns ("including ..."), filters by ("filtered by ..."),
 * changes ("changing ...") or takes ("with ...", "using ...", "given ...").
 *
 * @param verb base form, with a particle when one follows ("apply for", "top up")
 * @param object the noun phrase acted on, possibly empty ("clock in")
 * @param entity what an identifier parameter identifies: the object, or the noun of an "of" phrase
 * @param specific whether the phrase names one existing entity ("refund a payment", "get payment
 *     details"), which then needs an identifier
 */
record Operation(String nodeId, String name, String verb, VerbClass verbClass, String object, String entity,
        boolean specific, List<Qualifier> qualifiers, List<String> inputs, List<String> filters,
        List<String> changes, List<String> outputs, String description) {

    /** A prepositional phrase of the name, e.g. "for a location": preposition, words, article seen. */
    record Qualifier(String preposition, String phrase, boolean hasArticle) {}

    private static final Set<String> PREPOSITIONS = Set.of(
            "for", "by", "in", "from", "to", "with", "of", "on", "at", "between", "across", "near", "into",
            "using", "per", "against", "without", "within", "over", "under", "after", "before", "during", "as",
            "around", "inside");
    private static final Set<String> PARTICLES = Set.of("up", "in", "out", "off", "back", "for", "to", "into", "from");
    private static final Set<String> DETERMINERS = Set.of(
            "a", "an", "the", "all", "my", "your", "its", "their", "multiple", "several", "two", "one", "some",
            "each", "every", "any", "new", "existing", "given", "specific");
    private static final Set<String> DETAIL_WORDS = Set.of("details", "detail", "information", "info");
    private static final Pattern CONNECTOR = Pattern.compile(
            "\\b(including|filtered by|changing|with|using|given|such as|works with|covering)\\s+([^.;]+)");

    static Operation of(final ContextNode node) {
        final List<String> words = English.words(node.getName());
        if (words.isEmpty()) {
            throw new IllegalArgumentException("functionality node " + node.getId() + " has an empty name");
        }
        int i = 0;
        String verb = Verbs.baseOf(words.get(0));
        if (verb == null) {
            verb = "get"; // a noun-phrase functionality ("hourly forecast") reads as a lookup
        } else {
            i = 1;
            if (i < words.size() && PARTICLES.contains(words.get(i))
                    && (i + 1 == words.size() || DETERMINERS.contains(words.get(i + 1)))) {
                verb = verb + " " + words.get(i++);
            }
        }
        final VerbClass verbClass = Verbs.classOf(English.firstWord(verb));
        boolean article = false;
        final List<String> objectWords = new ArrayList<>();
        while (i < words.size() && !PREPOSITIONS.contains(words.get(i))) {
            if (DETERMINERS.contains(words.get(i)) && objectWords.isEmpty()) {
                article |= isArticle(words.get(i));
            } else {
                objectWords.add(words.get(i));
            }
            i++;
        }
        boolean details = false;
        while (objectWords.size() > 1 && DETAIL_WORDS.contains(objectWords.get(objectWords.size() - 1))) {
            objectWords.remove(objectWords.size() - 1);
            details = true;
        }
        final List<Qualifier> qualifiers = qualifiers(words.subList(i, words.size()));
        String object = String.join(" ", objectWords);
        // "list payments" is about one payment at a time: ids and results name it in the singular.
        String entity = singularLast(objectWords);
        boolean specific = article || details;
        if (!qualifiers.isEmpty() && qualifiers.get(0).preposition().equals("of")) {
            // "get status of a payout": the payout is the entity, "payout status" the object.
            final Qualifier of = qualifiers.remove(0);
            entity = singularLast(English.words(of.phrase()));
            object = (of.phrase() + " " + object).trim();
            specific = of.hasArticle();
        }
        final String description = node.getDescription() == null ? "" : node.getDescription();
        return new Operation(node.getId(), node.getName(), verb, verbClass, object, entity, specific,
                List.copyOf(qualifiers), connected(description, "with", "using", "given", "such as"),
                connected(description, "filtered by"), connected(description, "changing"),
                connected(description, "including", "covering"), description);
    }

    /** Verb and object of the name, without qualifiers: "get hourly forecast". */
    String action() {
        return object.isEmpty() ? verb : verb + " " + object;
    }

    /**
     * Attribute phrases a text lists after any of the connectors: "..., including amount, currency
     * and status." gives amount, currency, status.
     */
    static List<String> connected(final String text, final String... connectors) {
        final List<String> items = new ArrayList<>();
        final Matcher matcher = CONNECTOR.matcher(text.toLowerCase());
        while (matcher.find()) {
            if (!List.of(connectors).contains(matcher.group(1))) {
                continue;
            }
            for (final String raw : matcher.group(2).split(",\\s*|\\s+and\\s+|\\s+or\\s+")) {
                final List<String> words = new ArrayList<>(English.words(raw));
                while (!words.isEmpty() && DETERMINERS.contains(words.get(0))) {
                    words.remove(0);
                }
                if (!words.isEmpty() && words.size() <= 4 && !items.contains(String.join(" ", words))) {
                    items.add(String.join(" ", words));
                }
            }
        }
        return items;
    }

    private static String singularLast(final List<String> words) {
        if (words.isEmpty()) {
            return "";
        }
        final List<String> singular = new ArrayList<>(words);
        singular.set(singular.size() - 1, English.singular(singular.get(singular.size() - 1)));
        return String.join(" ", singular);
    }

    private static boolean isArticle(final String word) {
        return word.equals("a") || word.equals("an") || word.equals("the");
    }

    private static List<Qualifier> qualifiers(final List<String> words) {
        final List<Qualifier> qualifiers = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            final String preposition = words.get(i++);
            final List<String> phrase = new ArrayList<>();
            while (i < words.size() && !PREPOSITIONS.contains(words.get(i))) {
                phrase.add(words.get(i++));
            }
            qualifiers.addAll(split(preposition, phrase));
        }
        return qualifiers;
    }

    /** "route and date" gives two qualifiers; "between two dates" gives a start and an end date. */
    private static List<Qualifier> split(final String preposition, final List<String> phrase) {
        final List<Qualifier> out = new ArrayList<>();
        if (preposition.equals("between") && phrase.size() == 2 && phrase.get(0).equals("two")) {
            final String noun = English.singular(phrase.get(1));
            out.add(new Qualifier(preposition, "start " + noun, false));
            out.add(new Qualifier(preposition, "end " + noun, false));
            return out;
        }
        final List<String> current = new ArrayList<>();
        boolean article = false;
        for (int i = 0; i <= phrase.size(); i++) {
            final String word = i < phrase.size() ? phrase.get(i) : "and";
            if (word.equals("and") || word.equals("or")) {
                if (!current.isEmpty()) {
                    out.add(new Qualifier(preposition, String.join(" ", current), article));
                }
                current.clear();
                article = false;
            } else if (DETERMINERS.contains(word) && current.isEmpty()) {
                article |= isArticle(word);
            } else {
                current.add(word);
            }
        }
        return out;
    }
}
