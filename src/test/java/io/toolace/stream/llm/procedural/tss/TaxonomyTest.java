package io.toolace.stream.llm.procedural.tss;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaxonomyTest {

    private final Taxonomy taxonomy = Taxonomy.builtin();

    @Test
    void builtInTreeHasThePapersScale() {
        assertThat(taxonomy.domains()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(taxonomy.subDomainCount()).isGreaterThanOrEqualTo(390);
        assertThat(taxonomy.functionalityCount()).isGreaterThanOrEqualTo(3398);
        System.out.printf("taxonomy: %d domains, %d sub-domains, %d functionalities%n",
                taxonomy.domains().size(), taxonomy.subDomainCount(), taxonomy.functionalityCount());
    }

    @Test
    void noTwoNodesShareANormalisedPath() {
        final List<String> ids = taxonomy.nodeIds();
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).hasSize(taxonomy.domains().size() + taxonomy.subDomainCount() + taxonomy.functionalityCount());
    }

    @Test
    void functionalitiesReadAsVerbPhrasesWithOneLineDescriptions() {
        for (final Taxonomy.Domain domain : taxonomy.domains()) {
            for (final Taxonomy.SubDomain sub : domain.subDomains()) {
                assertThat(sub.functionalities()).hasSizeGreaterThanOrEqualTo(8);
                for (final Taxonomy.Functionality functionality : sub.functionalities()) {
                    assertThat(Verbs.baseOf(English.firstWord(functionality.name())))
                            .as("verb of '%s'", functionality.name()).isNotNull();
                    assertThat(functionality.description()).endsWith(".").doesNotContain("\n")
                            .startsWith(English.capitalise(Verbs.thirdPerson(English.firstWord(functionality.name()))));
                }
            }
        }
    }

    @Test
    void corpusIsOneMarkdownManualPerDomainWithStableIds() {
        final List<SeedDocument> corpus = BuiltinSeeds.corpus();
        assertThat(corpus).hasSize(taxonomy.domains().size());
        assertThat(corpus).extracting(SeedDocument::getKind).containsOnly(SeedKind.BUILTIN);
        assertThat(corpus.stream().map(SeedDocument::getId).distinct()).hasSize(corpus.size());
        assertThat(corpus.get(0).getId()).isEqualTo(BuiltinSeeds.seedId(taxonomy.domains().get(0).name()));
        final SeedDocument finance = corpus.stream().filter(d -> d.getId().equals("builtin-finance")).findFirst().orElseThrow();
        assertThat(finance.getText())
                .startsWith("# Finance platform\n\n")
                .contains("\n## Payments\n")
                .contains("\n- refund a payment: Refunds a payment")
                .contains("\n- get payment details: Gets payment details, including ");
        assertThat(BuiltinSeeds.corpus()).isSameAs(corpus);
    }
}
