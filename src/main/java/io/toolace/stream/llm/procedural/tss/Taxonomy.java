package io.toolace.stream.llm.procedural.tss;

import io.toolace.stream.evolution.ContextPaths;
import io.toolace.stream.format.ContentHash;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The procedural backend's built-in API context tree (domain, sub-domain, functionality) at the
 * paper's scale, read from {@code procedural/taxonomy.tsv}. Functionalities are composed from
 * verb x noun groups ("payment=get,refund" gives "get payment details" and "refund a payment")
 * or spelled out; each gets a one-line description that cites two or three of its sub-domain's
 * attributes, which the API forge later turns into parameters.
 *
 * <p>Nothing downstream looks this class up: {@link BuiltinSeeds} renders it as documents and
 * speciation mines the documents, exactly as it would a foreign manual.
 */
public final class Taxonomy {

    private static final String PATH = "procedural/taxonomy.tsv";

    /** A first-level domain, e.g. Finance. */
    public record Domain(String name, String description, List<SubDomain> subDomains) {}

    /** A sub-domain, e.g. Payments, with the attributes its APIs work with. */
    public record SubDomain(String name, List<String> attributes, List<Functionality> functionalities) {}

    /** A fine-grained functionality, e.g. "refund a payment", with a one-line description. */
    public record Functionality(String name, String description) {}

    private static final Taxonomy BUILTIN = load();

    private final List<Domain> domains;

    private Taxonomy(final List<Domain> domains) {
        this.domains = List.copyOf(domains);
    }

    /** The built-in tree, loaded once. */
    public static Taxonomy builtin() {
        return BUILTIN;
    }

    public List<Domain> domains() {
        return domains;
    }

    public int subDomainCount() {
        return domains.stream().mapToInt(d -> d.subDomains().size()).sum();
    }

    public int functionalityCount() {
        return domains.stream()
                .flatMap(d -> d.subDomains().stream())
                .mapToInt(s -> s.functionalities().size())
                .sum();
    }

    /** Context-tree ids of every node, domains, sub-domains and functionalities, in file order. */
    public List<String> nodeIds() {
        final List<String> ids = new ArrayList<>();
        for (final Domain domain : domains) {
            ids.add(ContextPaths.id(List.of(domain.name())));
            for (final SubDomain sub : domain.subDomains()) {
                ids.add(ContextPaths.id(List.of(domain.name(), sub.name())));
                for (final Functionality functionality : sub.functionalities()) {
                    ids.add(ContextPaths.id(List.of(domain.name(), sub.name(), functionality.name())));
                }
            }
        }
        return ids;
    }

    private static Taxonomy load() {
        final List<Domain> domains = new ArrayList<>();
        String domainName = null;
        String domainDescription = null;
        List<SubDomain> subDomains = null;
        for (final String line : Resources.dataLines(PATH)) {
            if (line.startsWith("@")) {
                if (domainName != null) {
                    domains.add(new Domain(domainName, domainDescription, subDomains));
                }
                final String[] fields = Resources.columns(PATH, line.substring(1), 2);
                domainName = fields[0].trim();
                domainDescription = fields[1].trim();
                subDomains = new ArrayList<>();
            } else {
                if (domainName == null) {
                    throw new IllegalStateException(PATH + ": sub-domain line before any @domain line: " + line);
                }
                subDomains.add(subDomain(domainName, line));
            }
        }
        if (domainName != null) {
            domains.add(new Domain(domainName, domainDescription, subDomains));
        }
        return new Taxonomy(domains);
    }

    private static SubDomain subDomain(final String domain, final String line) {
        final String[] fields = Resources.columns(PATH, line, 3);
        final String name = fields[0].trim();
        final List<String> attributes = List.of(fields[2].trim().split("\\s*,\\s*"));
        if (attributes.size() < 2) {
            throw new IllegalStateException(PATH + ": a sub-domain needs at least two attributes to cite: " + line);
        }
        final Set<String> names = new LinkedHashSet<>();
        for (final String group : fields[1].split(";")) {
            names.addAll(functionalityNames(group.trim(), line));
        }
        final List<Functionality> functionalities = new ArrayList<>(names.size());
        for (final String functionality : names) {
            functionalities.add(new Functionality(functionality, describe(domain, name, functionality, attributes)));
        }
        return new SubDomain(name, attributes, List.copyOf(functionalities));
    }

    /** Expands one group: a quoted phrase, or {@code [!]noun[|plural]=verb,verb*,...}. */
    private static List<String> functionalityNames(final String group, final String line) {
        if (group.startsWith("\"") && group.endsWith("\"") && group.length() > 2) {
            return List.of(group.substring(1, group.length() - 1).trim());
        }
        final int eq = group.indexOf('=');
        if (eq <= 0 || eq == group.length() - 1) {
            throw new IllegalStateException(PATH + ": group is neither \"phrase\" nor noun=verbs: '" + group
                    + "' in: " + line);
        }
        final boolean mass = group.startsWith("!");
        final String[] nounForms = group.substring(mass ? 1 : 0, eq).trim().split("\\|");
        final String noun = nounForms[0].trim();
        final String plural = nounForms.length > 1 ? nounForms[1].trim() : English.plural(noun);
        final List<String> names = new ArrayList<>();
        for (final String rawVerb : group.substring(eq + 1).split(",")) {
            final String verb = rawVerb.trim();
            names.add(compose(verb, noun, plural, mass));
        }
        return names;
    }

    private static String compose(final String verb, final String noun, final String plural, final boolean mass) {
        if (verb.endsWith("*")) {
            return verb.substring(0, verb.length() - 1) + " " + plural;
        }
        if (mass) {
            return verb + " " + noun;
        }
        return switch (verb) {
            case "get" -> "get " + noun + " details";
            case "list", "search" -> verb + " " + plural;
            default -> verb + " " + English.article(noun) + " " + noun;
        };
    }

    /**
     * One sentence in the third person that cites some of the sub-domain's attributes after a
     * connector that says how they are used: "including" (returned), "filtered by" (filters),
     * "changing" (new values), "with" (inputs). The API forge reads these connectors back.
     */
    private static String describe(final String domain, final String subDomain, final String functionality,
            final List<String> attributes) {
        final SplittableRandom rnd = new SplittableRandom(ContentHash.seed(domain, subDomain, functionality));
        final String verb = English.firstWord(functionality);
        final String rest = functionality.substring(verb.length()).trim();
        final String action = English.capitalise(Verbs.thirdPerson(verb)) + (rest.isEmpty() ? "" : " " + rest);
        final List<String> cited = cite(attributes, functionality, rnd, 2 + rnd.nextInt(2));
        return switch (Verbs.classOf(verb)) {
            case READ -> action + ", including " + English.join(cited, "and") + ".";
            case COLLECTION -> action + ", filtered by " + English.join(cited.subList(0, 2), "and") + ".";
            case REMOVE -> action + " by its identifier.";
            case MODIFY -> switch (verb) {
                case "update", "edit", "modify", "change" ->
                        action + ", changing " + English.join(cited.subList(0, 2), "or") + ".";
                default -> action + " with " + English.join(cited.subList(0, 2), "and") + ".";
            };
            case CREATE, ACTION -> action + " with " + English.join(cited, "and") + ".";
        };
    }

    /** Up to {@code count} attributes in file order, skipping ones the name already mentions. */
    private static List<String> cite(final List<String> attributes, final String functionality,
            final SplittableRandom rnd, final int count) {
        final List<String> candidates = new ArrayList<>();
        for (final String attribute : attributes) {
            if (!functionality.contains(attribute)) {
                candidates.add(attribute);
            }
        }
        final List<String> pool = candidates.size() >= 2 ? candidates : new ArrayList<>(attributes);
        // A random subset keeps file order, so the same attribute tends to lead: "amount, currency".
        final List<String> chosen = new ArrayList<>(pool);
        while (chosen.size() > Math.max(2, count)) {
            chosen.remove(rnd.nextInt(chosen.size()));
        }
        return chosen;
    }
}
