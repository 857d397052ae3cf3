package io.toolace.stream.llm.procedural.tss;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.evolution.ContextPaths;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SpeciatorTest {

    private final Speciator speciator = new Speciator();

    private static SeedDocument doc(final String title, final String text) {
        return SeedDocument.newBuilder().setId("doc-" + title.hashCode()).setTitle(title).setKind(SeedKind.MARKDOWN)
                .setText(text).build();
    }

    @Test
    void builtInCorpusSpeciatesIntoExactlyTheTaxonomy() {
        final List<ContextNode> nodes = Subtrees.TREE;
        assertThat(nodes).extracting(ContextNode::getId).containsExactlyInAnyOrderElementsOf(Taxonomy.builtin().nodeIds());
        final Map<String, ContextNode> byId = nodes.stream().collect(Collectors.toMap(ContextNode::getId, Function.identity()));
        for (final ContextNode node : nodes) {
            assertThat(node.getId()).isEqualTo(ContextPaths.id(node.getPath()));
            assertThat(node.getPath()).hasSize(node.getLevel().ordinal() + 1);
            assertThat(node.getSeedId()).startsWith("builtin-");
            if (node.getLevel() == NodeLevel.DOMAIN) {
                assertThat(node.getParentId()).isNull();
            } else {
                assertThat(byId.get(node.getParentId()).getLevel().ordinal()).isEqualTo(node.getLevel().ordinal() - 1);
            }
        }
        assertThat(byId.get("finance/payments/refund a payment").getDescription()).startsWith("Refunds a payment");
        assertThat(byId.get("finance/payments").getDescription()).startsWith("The Payments API works with amount");
    }

    @Test
    void foreignMarkdownManualIsMinedByItsStructure() {
        final String text = """
                # The Acme Weather API Reference

                Acme serves forecasts and observations for any place on earth.

                - Fast and reliable

                ## 1. Forecasts API

                Forecast endpoints take a location and units.

                - **Get hourly forecast** — Returns 48 hours of temperature and rain for a location.
                - `GET /v1/daily` — Get the daily forecast for up to 16 days.
                1. Compare models: Shows how three weather models disagree.
                * Our forecasts are updated every hour.

                ```
                - fake item: inside a code fence
                ```

                ## Alerts

                ### Subscribe to alerts

                Creates a subscription that calls your webhook when a warning is issued.

                ### Notes on coverage

                Coverage varies by country.

                ## Getting started

                Sign up for a key.
                """;
        final Speciator.Speciation result = speciator.speciate(doc("Acme", text));
        assertThat(result.nodes()).extracting(ContextNode::getId).containsExactly(
                "acme weather",
                "acme weather/forecasts",
                "acme weather/forecasts/get hourly forecast",
                "acme weather/forecasts/get the daily forecast for up to 16 days",
                "acme weather/forecasts/compare models",
                "acme weather/alerts",
                "acme weather/alerts/subscribe to alerts");
        assertThat(result.nodes().get(0).getDescription()).startsWith("Acme serves forecasts");
        assertThat(result.nodes().get(1).getDescription()).isEqualTo("Forecast endpoints take a location and units.");
        assertThat(result.nodes().get(6).getDescription()).startsWith("Creates a subscription");
        assertThat(result.reason()).contains("2 sub-domains", "4 functionalities");
    }

    @Test
    void plainTextFallsBackToCapabilitySentencesUnderShortHeadingLines() {
        final String text = """
                TableTop is a booking service for restaurants.

                Reservations

                With TableTop you can book a table, move a booking and cancel a reservation when plans change.
                The app also lets you join a waitlist.

                Reviews

                Diners can rate a restaurant. The service allows you to report a review.
                """;
        final Speciator.Speciation result = speciator.speciate(doc("TableTop product specification", text));
        assertThat(result.nodes()).extracting(ContextNode::getId).containsExactly(
                "tabletop",
                "tabletop/reservations",
                "tabletop/reservations/book a table",
                "tabletop/reservations/move a booking",
                "tabletop/reservations/cancel a reservation",
                "tabletop/reservations/join a waitlist",
                "tabletop/reviews",
                "tabletop/reviews/report a review");
    }

    @Test
    void emptyOrGarbageTextGivesAnEmptyResultWithAReason() {
        for (final String text : List.of("", "   \n\n", "%%%% ~~~ @@@ 12 34", "# \n## !!!\n- : :", "```\nunclosed")) {
            final Speciator.Speciation result = speciator.speciate(doc("", text));
            assertThat(result.nodes()).as(text).isEmpty();
            assertThat(result.reason()).as(text).isNotBlank();
        }
        assertThat(speciator.extract(doc("x", "nothing to see"), new SplittableRandom(1)).getNodes()).isEmpty();
    }

    @Property(tries = 300)
    void arbitraryTextNeverBreaksSpeciation(@ForAll final String title, @ForAll final String text) {
        final Speciator.Speciation result = speciator.speciate(doc(title, "# " + title + "\n## S\n- get " + text + "\n" + text));
        for (final ContextNode node : result.nodes()) {
            assertThat(node.getId()).isEqualTo(ContextPaths.id(node.getPath()));
        }
    }
}
