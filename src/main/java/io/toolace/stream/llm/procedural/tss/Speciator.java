package io.toolace.stream.llm.procedural.tss;

import io.toolace.stream.evolution.ContextPaths;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SpeciationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speciation, the procedural way: mines an API-related document for the API context tree
 * (domain, sub-domains, functionalities). It reads the document's structure, never a lookup
 * table, so it works on any Markdown or plain-text manual:
 *
 * <ul>
 *   <li>The single top heading is the domain ("# Acme Weather API" gives "Acme Weather"); with no
 *       single top heading, the document title is.
 *   <li>The next heading level gives sub-domains.
 *   <li>List items give functionalities: {@code - name: description}, {@code - **name** — description},
 *       {@code - POST /refunds — Refund a payment}, or a bare item that starts with a verb.
 *   <li>A deeper heading with no list under it ("### Refund a payment" and a paragraph) is one
 *       functionality, as API references lay out endpoints.
 *   <li>Plain text without headings or lists: phrases that follow "you can", "lets you", "allows
 *       you to" and the like and start with a known verb, under the plain-text headings (short
 *       lines on their own), or under "General".
 * </ul>
 *
 * Sub-domains and domains without any functionality are left out. An empty result carries the
 * reason in {@link Speciation#reason()}.
 */
public final class Speciator {

    /** Sub-domain of functionalities that a document lists without any sub-domain heading. */
    static final String GENERAL = "General";

    private static final Pattern ATX_HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SETEXT_1 = Pattern.compile("^=+\\s*$");
    private static final Pattern SETEXT_2 = Pattern.compile("^-+\\s*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:[-*+•]|\\d+[.)])\\s+(.*)$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*$");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\([^)]*\\)");
    /** An HTTP method and path, upper case as API references write them ("POST /v1/refunds"). */
    private static final Pattern ENDPOINT = Pattern.compile(
            "^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\\s+/\\S*\\s*(?:[:—–-]\\s*)?");
    private static final Pattern NAME_SEPARATOR = Pattern.compile("\\s*:\\s+|\\s+[—–-]\\s+|\\s*:$");
    private static final Pattern HEADING_NUMBER = Pattern.compile("^\\d+(?:\\.\\d+)*\\.?\\s+");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern CAPABILITY = Pattern.compile(
            "\\b(?:you can|users can|customers can|developers can|lets you|let you|allows you to|allow you to"
                    + "|enables you to|enable you to|helps you|help you|can be used to|is used to|are used to"
                    + "|makes it easy to|designed to|able to)\\s+(.+)",
            Pattern.CASE_INSENSITIVE);

    /** Words at the end of a document or section title that name the document, not the domain. */
    private static final Set<String> TITLE_NOISE = Set.of(
            "platform", "api", "apis", "documentation", "docs", "manual", "guide", "reference", "overview",
            "sdk", "handbook", "specification", "spec", "endpoints", "developer", "user", "product", "rest", "v1",
            "v2", "v3");

    /** Words that end a functionality phrase mined from prose. */
    private static final Set<String> PHRASE_STOPS = Set.of(
            "so", "which", "that", "while", "when", "if", "because", "then", "but", "without", "via", "using",
            "through", "whenever", "where", "who");

    /** Most words a functionality name may have. */
    private static final int MAX_NAME_WORDS = 12;

    /** What speciation found in one document, and an account of how or why not. */
    public record Speciation(List<ContextNode> nodes, String reason) {}

    /**
     * The context-tree nodes of {@code doc}, domains first, each sub-domain followed by its
     * functionalities. Speciation is a pure function of the document; {@code rnd} is accepted so
     * every procedural task has the same shape, and is not drawn from.
     */
    public SpeciationResult extract(final SeedDocument doc, final SplittableRandom rnd) {
        return new SpeciationResult(speciate(doc).nodes());
    }

    /** As {@link #extract}, with the reason an empty result is empty. */
    public Speciation speciate(final SeedDocument doc) {
        final String text = doc.getText() == null ? "" : doc.getText();
        if (text.isBlank()) {
            return new Speciation(List.of(), "document " + doc.getId() + " has no text");
        }
        final List<Block> blocks = blocks(text);
        final List<Block> headings = blocks.stream().filter(b -> b.kind == BlockKind.HEADING).toList();
        final boolean hasItems = blocks.stream().anyMatch(b -> b.kind == BlockKind.ITEM);
        final Tree tree;
        if (headings.isEmpty() && !hasItems) {
            tree = fromProse(doc, blocks);
        } else {
            tree = fromStructure(doc, blocks, headings);
        }
        if (tree == null) {
            return new Speciation(List.of(), "document " + doc.getId() + " has no title or top heading to name a domain");
        }
        final List<ContextNode> nodes = tree.nodes(doc.getId());
        if (nodes.isEmpty()) {
            return new Speciation(List.of(), "document " + doc.getId() + " names no functionality: no list item, "
                    + "endpoint heading or sentence starting with a known verb");
        }
        return new Speciation(nodes, "document " + doc.getId() + ": domain '" + tree.domain + "', "
                + tree.subDomainCount() + " sub-domains, " + tree.functionalityCount() + " functionalities");
    }

    // ---------------------------------------------------------------- structured documents

    private static Tree fromStructure(final SeedDocument doc, final List<Block> blocks, final List<Block> headings) {
        int top = Integer.MAX_VALUE;
        for (final Block heading : headings) {
            top = Math.min(top, heading.level);
        }
        final int topLevel = top;
        final List<Block> topHeadings = headings.stream().filter(h -> h.level == topLevel).toList();
        final String domain;
        final int subLevel;
        if (topHeadings.size() == 1) {
            domain = cleanTitle(topHeadings.get(0).text);
            subLevel = headings.stream().mapToInt(h -> h.level).filter(l -> l > topLevel).min().orElse(Integer.MAX_VALUE);
        } else {
            domain = cleanTitle(doc.getTitle());
            subLevel = topLevel;
        }
        if (ContextPaths.segment(domain).isEmpty()) {
            return null;
        }
        final Tree tree = new Tree(domain);
        final boolean hasSubHeadings = subLevel != Integer.MAX_VALUE;
        String sub = hasSubHeadings ? null : GENERAL;
        boolean domainDescribed = false;
        for (int i = 0; i < blocks.size(); i++) {
            final Block block = blocks.get(i);
            switch (block.kind) {
                case HEADING -> {
                    if (block.level == subLevel) {
                        final String name = cleanSection(block.text);
                        sub = ContextPaths.segment(name).isEmpty() ? null : name;
                        if (sub != null) {
                            tree.describeSubDomain(sub, paragraphAfter(blocks, i));
                        }
                    } else if (block.level > subLevel && sub != null && !itemsFollow(blocks, i)) {
                        addEndpointHeading(tree, sub, block.text, paragraphAfter(blocks, i));
                    }
                }
                case ITEM -> {
                    if (sub != null) {
                        addItem(tree, sub, block.text);
                    }
                }
                case PARAGRAPH -> {
                    if (!domainDescribed) {
                        tree.domainDescription = firstSentences(block.text);
                        domainDescribed = true;
                    }
                }
            }
        }
        return tree;
    }

    private static void addItem(final Tree tree, final String sub, final String rawItem) {
        String item = plain(rawItem);
        final Matcher endpoint = ENDPOINT.matcher(item);
        if (endpoint.find()) {
            // "POST /refunds — Refund a payment": the words say what it does, the path does not.
            item = item.substring(endpoint.end()).trim();
        }
        final Matcher separator = NAME_SEPARATOR.matcher(item);
        if (separator.find() && separator.start() > 0) {
            final String name = trimName(item.substring(0, separator.start()));
            final String description = item.substring(separator.end()).trim();
            if (startsWithVerb(name) || startsWithVerb(description)) {
                tree.addFunctionality(sub, name, description);
            }
        } else if (startsWithVerb(item)) {
            final String[] sentences = SENTENCE_END.split(item, 2);
            tree.addFunctionality(sub, trimName(sentences[0]), sentences.length > 1 ? sentences[1].trim() : "");
        }
    }

    private static void addEndpointHeading(final Tree tree, final String sub, final String heading,
            final String paragraph) {
        String name = plain(heading);
        final Matcher endpoint = ENDPOINT.matcher(name);
        if (endpoint.find()) {
            name = name.substring(endpoint.end()).trim();
            if (name.isEmpty() && !paragraph.isEmpty()) {
                name = SENTENCE_END.split(paragraph, 2)[0];
            }
        }
        name = trimName(name);
        if (startsWithVerb(name) || startsWithVerb(paragraph)) {
            tree.addFunctionality(sub, name, firstSentences(paragraph));
        }
    }

    // ---------------------------------------------------------------- prose

    private static Tree fromProse(final SeedDocument doc, final List<Block> blocks) {
        final String domain = cleanTitle(doc.getTitle());
        if (ContextPaths.segment(domain).isEmpty()) {
            return null;
        }
        final Tree tree = new Tree(domain);
        String sub = GENERAL;
        for (int i = 0; i < blocks.size(); i++) {
            final String paragraph = blocks.get(i).text;
            if (isProseHeading(paragraph) && i + 1 < blocks.size()) {
                sub = cleanSection(paragraph);
                tree.describeSubDomain(sub, paragraphAfter(blocks, i));
                continue;
            }
            if (tree.domainDescription.isEmpty()) {
                tree.domainDescription = firstSentences(paragraph);
            }
            for (final String sentence : SENTENCE_END.split(paragraph)) {
                for (final String phrase : capabilities(sentence)) {
                    tree.addFunctionality(sub, phrase, sentence.trim());
                }
            }
        }
        return tree;
    }

    /** "Plain-text headings": a short line of its own without closing punctuation. */
    private static boolean isProseHeading(final String paragraph) {
        final String trimmed = paragraph.trim();
        return !trimmed.contains("\n") && English.words(trimmed).size() <= 6 && !trimmed.matches(".*[.!?:;,]$");
    }

    /**
     * Verb phrases after a capability cue: "lets you book a table, move a booking and cancel a
     * reservation" gives three. A comma, or "and"/"or" before another verb, ends a phrase; a stop
     * word ("so", "which", "when") ends the list.
     */
    static List<String> capabilities(final String sentence) {
        final List<String> phrases = new ArrayList<>();
        final Matcher cue = CAPABILITY.matcher(sentence);
        if (!cue.find()) {
            return phrases;
        }
        final String[] tokens = cue.group(1).replaceAll("[.!?;:)(\"]", " ").replace(",", " , ").trim().split("\\s+");
        final List<String> current = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            final String word = tokens[i].toLowerCase(Locale.ROOT);
            if (PHRASE_STOPS.contains(word)) {
                break;
            }
            final boolean conjunction = word.equals(",") || word.equals("and") || word.equals("or");
            if (current.isEmpty()) {
                final String verb = Verbs.baseOf(word);
                if (verb != null) {
                    current.add(verb);
                } else if (!conjunction && !phrases.isEmpty()) {
                    break; // the list of operations is over
                }
            } else if (conjunction && (i + 1 == tokens.length || word.equals(",") || Verbs.baseOf(tokens[i + 1]) != null)) {
                closePhrase(current, phrases);
            } else if (current.size() < MAX_NAME_WORDS) {
                current.add(word);
            }
        }
        closePhrase(current, phrases);
        return phrases;
    }

    private static void closePhrase(final List<String> words, final List<String> into) {
        while (!words.isEmpty() && Set.of("the", "a", "an", "and", "or", "to", "of", "for", "with", "in", "on")
                .contains(words.get(words.size() - 1))) {
            words.remove(words.size() - 1);
        }
        if (words.size() >= 2) {
            into.add(String.join(" ", words));
        }
        words.clear();
    }

    // ---------------------------------------------------------------- blocks

    private enum BlockKind { HEADING, ITEM, PARAGRAPH }

    private record Block(BlockKind kind, int level, String text) {}

    /** Headings (ATX and setext), list items and paragraphs; fenced code is skipped. */
    private static List<Block> blocks(final String text) {
        final String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n");
        final List<Block> blocks = new ArrayList<>();
        final StringBuilder paragraph = new StringBuilder();
        boolean inFence = false;
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i];
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
                flush(paragraph, blocks);
                continue;
            }
            if (inFence) {
                continue;
            }
            final Matcher atx = ATX_HEADING.matcher(line);
            final Matcher item = LIST_ITEM.matcher(line);
            final String next = i + 1 < lines.length ? lines[i + 1] : "";
            if (atx.matches()) {
                flush(paragraph, blocks);
                blocks.add(new Block(BlockKind.HEADING, atx.group(1).length(), atx.group(2)));
            } else if (!line.isBlank() && paragraph.length() == 0 && !item.matches()
                    && (SETEXT_1.matcher(next).matches() || SETEXT_2.matcher(next).matches() && !next.isBlank())) {
                blocks.add(new Block(BlockKind.HEADING, SETEXT_1.matcher(next).matches() ? 1 : 2, line.trim()));
                i++;
            } else if (item.matches()) {
                flush(paragraph, blocks);
                blocks.add(new Block(BlockKind.ITEM, 0, item.group(1).trim()));
            } else if (line.isBlank()) {
                flush(paragraph, blocks);
            } else {
                if (paragraph.length() > 0) {
                    paragraph.append('\n');
                }
                paragraph.append(line.trim());
            }
        }
        flush(paragraph, blocks);
        return blocks;
    }

    private static void flush(final StringBuilder paragraph, final List<Block> blocks) {
        if (paragraph.length() > 0) {
            blocks.add(new Block(BlockKind.PARAGRAPH, 0, paragraph.toString()));
            paragraph.setLength(0);
        }
    }

    private static String paragraphAfter(final List<Block> blocks, final int index) {
        return index + 1 < blocks.size() && blocks.get(index + 1).kind == BlockKind.PARAGRAPH
                ? firstSentences(blocks.get(index + 1).text)
                : "";
    }

    private static boolean itemsFollow(final List<Block> blocks, final int headingIndex) {
        for (int i = headingIndex + 1; i < blocks.size() && blocks.get(i).kind != BlockKind.HEADING; i++) {
            if (blocks.get(i).kind == BlockKind.ITEM) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- text clean-up

    /** Markdown emphasis, code marks and links reduced to their text. */
    private static String plain(final String markdown) {
        return LINK.matcher(markdown).replaceAll("$1").replace("**", "").replace("__", "").replace("`", "").trim();
    }

    /** A title without the words that name the document: "The Acme Weather API Reference" gives "Acme Weather". */
    static String cleanTitle(final String title) {
        if (title == null) {
            return "";
        }
        final List<String> words = new ArrayList<>(List.of(plain(title).trim().split("\\s+")));
        while (words.size() > 1 && TITLE_NOISE.contains(words.get(words.size() - 1).toLowerCase(Locale.ROOT))) {
            words.remove(words.size() - 1);
        }
        if (words.size() > 1 && words.get(0).equalsIgnoreCase("the")) {
            words.remove(0);
        }
        return String.join(" ", words);
    }

    /** A section heading without numbering and trailing "API": "2. Payments API" gives "Payments". */
    private static String cleanSection(final String heading) {
        String name = HEADING_NUMBER.matcher(plain(heading)).replaceFirst("");
        name = name.replaceFirst("(?i)\\s+(?:api|apis|endpoints)$", "");
        return name.trim();
    }

    private static String trimName(final String name) {
        return name.replaceAll("[\\s.;:,]+$", "").trim();
    }

    private static boolean startsWithVerb(final String text) {
        final List<String> words = English.words(text);
        return !words.isEmpty() && Verbs.baseOf(words.get(0)) != null;
    }

    /** The first two sentences, to keep node descriptions short. */
    private static String firstSentences(final String paragraph) {
        final String[] sentences = SENTENCE_END.split(paragraph.replace('\n', ' ').trim(), 3);
        return sentences.length <= 2 ? String.join(" ", sentences) : sentences[0] + " " + sentences[1];
    }

    // ---------------------------------------------------------------- the tree being built

    private static final class Tree {
        final String domain;
        String domainDescription = "";
        /** Sub-domain id -> sub-domain, in order of first appearance. */
        final Map<String, SubDomain> subDomains = new LinkedHashMap<>();

        Tree(final String domain) {
            this.domain = domain;
        }

        SubDomain subDomain(final String name) {
            return subDomains.computeIfAbsent(ContextPaths.id(List.of(domain, name)), id -> new SubDomain(name));
        }

        void describeSubDomain(final String name, final String description) {
            final SubDomain sub = subDomain(name);
            if (sub.description.isEmpty()) {
                sub.description = description;
            }
        }

        void addFunctionality(final String sub, final String name, final String description) {
            if (ContextPaths.segment(name).isEmpty() || English.words(name).size() > MAX_NAME_WORDS) {
                return;
            }
            subDomain(sub).functionalities.putIfAbsent(ContextPaths.segment(name), new Functionality(name, description));
        }

        int subDomainCount() {
            return (int) subDomains.values().stream().filter(s -> !s.functionalities.isEmpty()).count();
        }

        int functionalityCount() {
            return subDomains.values().stream().mapToInt(s -> s.functionalities.size()).sum();
        }

        List<ContextNode> nodes(final String seedId) {
            final List<ContextNode> nodes = new ArrayList<>();
            if (functionalityCount() == 0) {
                return nodes;
            }
            nodes.add(ContextPaths.node(List.of(domain), domainDescription, seedId));
            for (final SubDomain sub : subDomains.values()) {
                if (sub.functionalities.isEmpty()) {
                    continue;
                }
                nodes.add(ContextPaths.node(List.of(domain, sub.name), sub.description, seedId));
                for (final Functionality functionality : sub.functionalities.values()) {
                    nodes.add(ContextPaths.node(List.of(domain, sub.name, functionality.name()),
                            functionality.description(), seedId));
                }
            }
            return nodes;
        }
    }

    private record Functionality(String name, String description) {}

    private static final class SubDomain {
        final String name;
        String description = "";
        /** Normalised name -> functionality, in order of first appearance. */
        final Map<String, Functionality> functionalities = new LinkedHashMap<>();

        SubDomain(final String name) {
            this.name = name;
        }
    }
}
