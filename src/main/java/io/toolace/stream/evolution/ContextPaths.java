package io.toolace.stream.evolution;

import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Ids of API context-tree nodes: the normalised names from the root down, joined with {@code /},
 * e.g. {@code finance/payments/refund a payment}. Two documents that name the same functionality
 * with different case, spacing or punctuation land on the same node, and a subtree is a key
 * prefix, so a sorted store answers "everything under finance/payments" with one prefix scan.
 */
public final class ContextPaths {

    /** Separates the segments of an id; a segment can never contain it. */
    public static final char SEPARATOR = '/';

    private ContextPaths() {}

    /**
     * The id of the node with these names from the root down.
     *
     * @throws IllegalArgumentException when the list is empty or a name has no letter or digit
     */
    public static String id(final List<String> pathNames) {
        if (pathNames == null || pathNames.isEmpty()) {
            throw new IllegalArgumentException("a context path needs at least one name");
        }
        final StringBuilder id = new StringBuilder();
        for (final String name : pathNames) {
            final String segment = segment(name);
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(
                        "context path name has no letter or digit: '" + name + "' in " + pathNames);
            }
            if (id.length() > 0) {
                id.append(SEPARATOR);
            }
            id.append(segment);
        }
        return id.toString();
    }

    /**
     * One name normalised to a segment: lower case, punctuation removed, whitespace collapsed to
     * single inner spaces. Separator-like punctuation ({@code - _ / & + . , ; :}) becomes a space,
     * so "Payouts/Transfers" stays two words; any other punctuation (quotes, brackets, apostrophes)
     * is dropped, so "user's" and "users" agree. Empty when the name has no letter or digit.
     */
    public static String segment(final String name) {
        if (name == null) {
            return "";
        }
        final String lower = name.toLowerCase(Locale.ROOT);
        final StringBuilder out = new StringBuilder(lower.length());
        boolean pendingSpace = false;
        for (int i = 0; i < lower.length(); ) {
            final int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (pendingSpace && out.length() > 0) {
                    out.append(' ');
                }
                pendingSpace = false;
                out.appendCodePoint(cp);
            } else if (Character.isWhitespace(cp) || isWordSeparator(cp)) {
                pendingSpace = true;
            }
        }
        return out.toString();
    }

    /**
     * The node at {@code path} (domain; domain and sub-domain; or domain, sub-domain and functionality):
     * its id, parent and level follow from the path, its name is the path's last name.
     */
    public static ContextNode node(final List<String> path, final String description, final String seedId) {
        final String id = id(path);
        return ContextNode.newBuilder()
                .setId(id)
                .setParentId(parentId(id))
                .setLevel(NodeLevel.values()[path.size() - 1])
                .setName(path.get(path.size() - 1))
                .setDescription(description)
                .setPath(List.copyOf(path))
                .setSeedId(seedId)
                .build();
    }

    /**
     * Why {@code node} is not a node of a context tree, or null when it is one: its id, parent and level
     * must be those its path gives ({@link #node}), so no node can be its own ancestor and no path runs
     * deeper than a functionality.
     */
    public static String problem(final ContextNode node) {
        final List<String> path = node.getPath();
        if (path.isEmpty() || path.size() > NodeLevel.values().length) {
            return "context node '" + node.getId() + "' has a path of " + path.size() + " names, expected 1 to "
                    + NodeLevel.values().length;
        }
        final String id;
        try {
            id = id(path);
        } catch (final IllegalArgumentException e) {
            return "context node '" + node.getId() + "': " + e.getMessage();
        }
        if (!id.equals(node.getId()) || !Objects.equals(parentId(id), node.getParentId())
                || NodeLevel.values()[path.size() - 1] != node.getLevel()) {
            return "context node '" + node.getId() + "' (parent '" + node.getParentId() + "', " + node.getLevel()
                    + ") does not match its path " + path + ": expected id '" + id + "', parent '" + parentId(id)
                    + "', " + NodeLevel.values()[path.size() - 1];
        }
        return null;
    }

    /** The parent's id, or {@code null} for a root (domain) id. */
    public static String parentId(final String id) {
        final int cut = id.lastIndexOf(SEPARATOR);
        return cut < 0 ? null : id.substring(0, cut);
    }

    /** Number of segments: 1 for a domain, 2 for a sub-domain, 3 for a functionality. */
    public static int depth(final String id) {
        int depth = 1;
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) == SEPARATOR) {
                depth++;
            }
        }
        return depth;
    }

    /**
     * The key prefix of every strict descendant of the node, e.g. {@code finance/payments/} for
     * the sub-domain {@code finance/payments}. The trailing separator keeps {@code finance/pay}
     * from matching {@code finance/payments}.
     */
    public static String prefix(final String id) {
        return id + SEPARATOR;
    }

    /** The descendant prefix of the node with these names; see {@link #prefix(String)}. */
    public static String prefix(final List<String> pathNames) {
        return prefix(id(pathNames));
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}, for range scans on
     * stores that take an exclusive upper bound ({@code range(prefix, prefixEnd(prefix))}).
     */
    public static String prefixEnd(final String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("an empty prefix has no end: it covers every key");
        }
        final char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    /** Whether {@code id} is {@code ancestorId} itself or lies in its subtree. */
    public static boolean isWithin(final String id, final String ancestorId) {
        return id.equals(ancestorId) || id.startsWith(prefix(ancestorId));
    }

    private static boolean isWordSeparator(final int cp) {
        return switch (cp) {
            case '-', '_', '/', '\\', '&', '+', '.', ',', ';', ':', '|' -> true;
            default -> Character.getType(cp) == Character.DASH_PUNCTUATION;
        };
    }
}
