package io.toolace.stream.llm.procedural.tss;

import io.toolace.stream.evolution.ContextPaths;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed corpus of the procedural backend: one Markdown product manual per domain of the
 * built-in {@link Taxonomy}, written the way API platforms document themselves, so speciation
 * treats it like any foreign document:
 *
 * <pre>
 * # Finance platform
 *
 * Payments, billing, invoicing and money movement ...
 *
 * ## Payments
 *
 * The Payments API works with amount, currency, customer id, ...
 *
 * - refund a payment: Refunds a payment with amount and reason.
 * </pre>
 */
public final class BuiltinSeeds {

    /** Where built-in seeds say they come from. */
    public static final String SOURCE = "builtin:procedural/taxonomy.tsv";

    private static final List<SeedDocument> CORPUS = render(Taxonomy.builtin());

    private BuiltinSeeds() {}

    /** One document per domain, in taxonomy order; ids are stable ({@code builtin-finance}). */
    public static List<SeedDocument> corpus() {
        return CORPUS;
    }

    /** The stable id of a domain's manual: {@code builtin-} and the domain's path segment, dashed. */
    public static String seedId(final String domain) {
        return "builtin-" + ContextPaths.segment(domain).replace(' ', '-');
    }

    private static List<SeedDocument> render(final Taxonomy taxonomy) {
        final List<SeedDocument> documents = new ArrayList<>(taxonomy.domains().size());
        for (final Taxonomy.Domain domain : taxonomy.domains()) {
            documents.add(SeedDocument.newBuilder()
                    .setId(seedId(domain.name()))
                    .setTitle(domain.name() + " platform")
                    .setKind(SeedKind.BUILTIN)
                    .setText(manual(domain))
                    .setSource(SOURCE)
                    .build());
        }
        return List.copyOf(documents);
    }

    private static String manual(final Taxonomy.Domain domain) {
        final StringBuilder md = new StringBuilder(4096);
        md.append("# ").append(domain.name()).append(" platform\n\n")
                .append(domain.description()).append(" The platform offers ")
                .append(domain.subDomains().size()).append(" services, each documented below.\n");
        for (final Taxonomy.SubDomain sub : domain.subDomains()) {
            md.append("\n## ").append(sub.name()).append("\n\n")
                    .append("The ").append(sub.name()).append(" API works with ")
                    .append(English.join(sub.attributes(), "and")).append(".\n\n");
            for (final Taxonomy.Functionality functionality : sub.functionalities()) {
                md.append("- ").append(functionality.name()).append(": ")
                        .append(functionality.description()).append('\n');
            }
        }
        return md.toString();
    }
}
