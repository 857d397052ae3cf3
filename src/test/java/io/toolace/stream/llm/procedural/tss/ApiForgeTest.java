package io.toolace.stream.llm.procedural.tss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.evolution.ApiSignature;
import io.toolace.stream.llm.procedural.tss.ApiNames.NameStyle;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ApiForgeTest {

    private final ApiForge forge = new ApiForge();
    private final Subtrees subtrees = new Subtrees();

    private ApiDefinition generate(final ApiGenerationInput input, final long seed) {
        return forge.generate(input, new SplittableRandom(seed)).getApis().get(0);
    }

    private static ApiGenerationInput input(final List<ContextNode> subtree, final ApiDefinition example,
            final List<String> indicators, final long generation) {
        return ApiGenerationInput.newBuilder().setSubtree(subtree).setExample(example).setDiversity(indicators)
                .setGeneration(generation).build();
    }

    @Test
    void everyGeneratedApiIsAWellFormedDefinition() {
        final SplittableRandom rnd = new SplittableRandom(11);
        final List<ApiDefinition> buffer = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            final ApiGenerationInput input = subtrees.input(rnd, buffer);
            final ApiDefinition api = forge.generate(input, rnd).getApis().get(0);
            buffer.add(api);

            SchemaChecks.checkRoot(api.getParameters(), true);
            SchemaChecks.checkRoot(api.getResponse(), false);
            assertThat(api.getName()).isNotBlank();
            assertThat(api.getDescription()).isNotBlank().endsWith(".");
            assertThat(api.getId()).isEqualTo(ApiSignature.hash(api.getName(), api.getParameters()));
            assertThat(api.getFunctionalities()).isNotEmpty().isSubsetOf(
                    input.getSubtree().stream().filter(n -> n.getLevel() == NodeLevel.FUNCTIONALITY).map(ContextNode::getId).toList());
            assertThat(api.getDomain()).isEqualTo(input.getSubtree().get(0).getName());
            assertThat(api.getSubdomain()).isEqualTo(input.getSubtree().get(1).getName());
            assertThat(api.getGeneration()).isEqualTo(input.getGeneration());
            assertThat(api.getLineage().getPoolGeneration()).isEqualTo(input.getGeneration());
            assertThat(api.getLineage().getSeedIds()).containsExactly(input.getSubtree().get(0).getSeedId());
            assertThat(api.getDiversity()).containsExactlyInAnyOrderElementsOf(input.getDiversity());
            assertThat(api.getExampleId()).isEqualTo(input.getExample() == null ? null : input.getExample().getId());
        }
    }

    /** The pool target is 26,507 unique APIs: what share of 30,000 draws collide on their signature. */
    @Test
    void signaturesRarelyCollideAcrossAPoolSizedRun() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final SplittableRandom rnd = new SplittableRandom(2409_00920L);
        final List<ApiDefinition> buffer = new ArrayList<>();
        final Set<String> ids = new HashSet<>();
        int collisions = 0;
        int nested = 0;
        int constrained = 0;
        int evolved = 0;
        long cpuNanos = 0;
        final int draws = 30_000;
        for (int i = 0; i < draws; i++) {
            final ApiGenerationInput input = subtrees.input(rnd, buffer);
            final long start = threads.getCurrentThreadCpuTime();
            final ApiDefinition api = forge.generate(input, rnd).getApis().get(0);
            cpuNanos += threads.getCurrentThreadCpuTime() - start;
            buffer.add(api);
            collisions += ids.add(api.getId()) ? 0 : 1;
            nested += SchemaChecks.hasNestedParameter(api.getParameters()) ? 1 : 0;
            final JsonNode parameters = SchemaChecks.parse(api.getParameters());
            int constraints = 0;
            for (final JsonNode parameter : parameters.path("properties")) {
                constraints += SchemaChecks.constraintCount(parameter);
            }
            constrained += constraints > 0 ? 1 : 0;
            evolved += api.getGeneration() > 0 ? 1 : 0;
        }
        final double collisionRate = 100.0 * collisions / draws;
        System.out.printf("forge: %d draws, %d unique, %d signature collisions (%.2f%%), %.1f%% evolved, "
                        + "%.1f%% with nested parameters, %.1f%% with constraints, %.0f us CPU per generate%n",
                draws, ids.size(), collisions, collisionRate, 100.0 * evolved / draws, 100.0 * nested / draws,
                100.0 * constrained / draws, cpuNanos / 1_000.0 / draws);
        assertThat(collisionRate).isLessThan(5.0);
        assertThat(nested).isPositive();
        assertThat(constrained).isGreaterThan(draws / 2);
    }

    @Test
    void sameInputAndSeedGiveTheSameApi() {
        final SplittableRandom rnd = new SplittableRandom(5);
        final List<ApiDefinition> buffer = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            final ApiGenerationInput input = subtrees.input(rnd, buffer);
            final ApiDefinition api = generate(input, i);
            assertThat(generate(input, i)).isEqualTo(api);
            buffer.add(api);
        }
        final ApiGenerationInput input = subtrees.input(rnd, buffer);
        final Set<String> names = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            names.add(generate(input, seed).getId());
        }
        assertThat(names).as("different seeds vary the API").hasSizeGreaterThan(5);
    }

    @Test
    void eachDiversityIndicatorVisiblyChangesTheApi() {
        final SplittableRandom rnd = new SplittableRandom(3);
        final int cases = 300;
        int moreConstraints = 0;
        int moreParameters = 0;
        for (int i = 0; i < cases; i++) {
            final List<ContextNode> subtree = subtrees.subtree(rnd, 1 + rnd.nextInt(3));
            final long seed = rnd.nextLong();
            final ApiDefinition base = generate(input(subtree, null, List.of(), 0), seed);
            final JsonNode baseParameters = SchemaChecks.parse(base.getParameters());

            final ApiDefinition mutated = generate(input(subtree, null, List.of(Evolution.MUTATE_TYPES), 1), seed);
            assertThat(SchemaChecks.hasNestedParameter(mutated.getParameters())).as(mutated.getParameters()).isTrue();
            assertThat(mutated.getDiversity()).containsExactly("MUTATE_TYPES");

            final JsonNode constrained = SchemaChecks.parse(
                    generate(input(subtree, null, List.of(Evolution.ADD_CONSTRAINTS), 1), seed).getParameters());
            moreConstraints += SchemaChecks.constraintCount(constrained) > SchemaChecks.constraintCount(baseParameters) ? 1 : 0;

            final JsonNode extended = SchemaChecks.parse(
                    generate(input(subtree, null, List.of(Evolution.ADD_PARAMETERS), 1), seed).getParameters());
            moreParameters += SchemaChecks.propertyCount(extended) > SchemaChecks.propertyCount(baseParameters) ? 1 : 0;

            final ApiDefinition richer = generate(input(subtree, null, List.of(Evolution.UPDATE_RESULTS), 1), seed);
            final JsonNode response = SchemaChecks.parse(richer.getResponse());
            assertThat(response.path("properties").path("metadata").path("type").asText()).isEqualTo("object");
            assertThat(SchemaChecks.propertyCount(response))
                    .isGreaterThan(SchemaChecks.propertyCount(SchemaChecks.parse(base.getResponse())));

            final ApiDefinition wider = generate(input(subtree, null, List.of(Evolution.ADD_FUNCTIONALITY), 1), seed);
            assertThat(wider.getDescription()).contains("It can also");
            assertThat(SchemaChecks.propertyCount(SchemaChecks.parse(wider.getParameters())))
                    .isGreaterThanOrEqualTo(SchemaChecks.propertyCount(baseParameters));
        }
        assertThat(moreConstraints).isGreaterThan(cases * 95 / 100);
        assertThat(moreParameters).isGreaterThan(cases * 95 / 100);
    }

    @Test
    void severalFunctionalitiesMakeOneApiWithAnActionEnum() {
        final SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < 100; i++) {
            final List<ContextNode> subtree = subtrees.subtree(rnd, 3);
            final ApiDefinition api = generate(input(subtree, null, List.of(), 0), i);
            final JsonNode parameters = SchemaChecks.parse(api.getParameters());
            assertThat(api.getFunctionalities()).hasSize(3);
            assertThat(parameters.path("properties").path("action").path("enum")).hasSize(3);
            assertThat(parameters.path("required").toString()).contains("\"action\"");
            assertThat(api.getDescription()).contains(subtree.get(2).getName(), subtree.get(3).getName(), subtree.get(4).getName());
        }
    }

    @Test
    void evolvedApiBorrowsTheExamplesStyleButKeepsItsFunctionality() {
        final ApiDefinition example = ApiDefinition.newBuilder()
                .setId("example-1")
                .setName("flights.search_by_route")
                .setDescription("Searches flights.")
                .setParameters("""
                        {"type":"object","properties":{
                          "originCode":{"type":"string","description":"Origin.","pattern":"^[A-Z]{3}$"},
                          "sortOrder":{"type":"string","description":"Order.","enum":["asc","desc"]},
                          "pageSize":{"type":"integer","description":"Page size.","minimum":1,"maximum":50},
                          "legs":{"type":"array","description":"Legs.","items":{"type":"object","properties":{"from":{"type":"string"}}}}
                        },"required":["originCode"]}""")
                .setResponse("""
                        {"type":"object","properties":{"metadata":{"type":"object","properties":{"request_id":{"type":"string"}}}}}""")
                .setOrigin(ApiOrigin.SYNTHESIZED)
                .setGeneration(4)
                .setLineage(Lineage.newBuilder().build())
                .build();
        final SplittableRandom rnd = new SplittableRandom(21);
        for (int i = 0; i < 100; i++) {
            final List<ContextNode> subtree = subtrees.subtree(rnd, 1);
            final ApiDefinition api = generate(input(subtree, example, List.of(), 5), i);
            final JsonNode parameters = SchemaChecks.parse(api.getParameters());
            assertThat(NameStyle.of(api.getName())).as(api.getName()).isEqualTo(NameStyle.DOTTED);
            // Paging and sorting are shared only with APIs that return lists.
            final boolean lists = Operation.of(subtree.get(2)).verbClass() == Verbs.VerbClass.COLLECTION;
            assertThat(parameters.path("properties").has("sortOrder")).isEqualTo(lists);
            if (lists) {
                assertThat(parameters.path("properties").path("pageSize").path("maximum").asInt()).isEqualTo(50);
            }
            parameters.path("properties").fieldNames().forEachRemaining(name -> assertThat(name).doesNotContain("_"));
            assertThat(SchemaChecks.hasNestedParameter(api.getParameters())).as(api.getParameters()).isTrue();
            assertThat(SchemaChecks.parse(api.getResponse()).path("properties").has("metadata")).isTrue();
            assertThat(api.getFunctionalities()).containsExactly(subtree.get(2).getId());
            assertThat(api.getExampleId()).isEqualTo("example-1");
            assertThat(api.getGeneration()).isEqualTo(5);
        }
    }

    @Test
    void foreignDocumentsSpeciateIntoNodesTheForgeCanAdapt() {
        final SeedDocument doc = SeedDocument.newBuilder().setId("acme").setTitle("Acme").setKind(SeedKind.MARKDOWN)
                .setText("""
                        # Acme Parking API

                        ## Sessions

                        Sessions work with plate number, zone code, start time and duration minutes.

                        - Start a parking session: Starts paid parking with plate number and zone code.
                        - Extend a session: Adds time, using duration minutes.
                        - List sessions: Lists your sessions, filtered by zone code.
                        """).build();
        final List<ContextNode> nodes = new Speciator().speciate(doc).nodes();
        final ApiDefinition api = generate(input(nodes, null, List.of(), 0), 1);
        SchemaChecks.checkRoot(api.getParameters(), true);
        assertThat(api.getDomain()).isEqualTo("Acme Parking");
        // Parameter names are snake_case or camelCase, by the API's style.
        assertThat(api.getParameters().replace("_", "").toLowerCase()).contains("platenumber", "zonecode", "durationminutes");
        for (long seed = 0; seed < 20; seed++) {
            final JsonNode single = SchemaChecks.parse(generate(input(nodes.subList(0, 3), null, List.of(), 0), seed).getParameters());
            final String plate = single.path("properties").has("plate_number") ? "plate_number" : "plateNumber";
            assertThat(single.path("properties").path(plate).path("type").asText()).isEqualTo("string");
            assertThat(single.path("required").toString()).contains(plate);
        }
    }

    @Test
    void badInputsAreRejectedWithTheReason() {
        final List<ContextNode> subtree = subtrees.subtree(new SplittableRandom(1), 1);
        assertThatThrownBy(() -> generate(input(subtree.subList(0, 2), null, List.of(), 0), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no FUNCTIONALITY node");
        assertThatThrownBy(() -> generate(input(subtree, null, List.of("ADD_MAGIC"), 1), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ADD_MAGIC")
                .hasMessageContaining("ADD_CONSTRAINTS");
    }

    @Test
    void ruleFilePatternsStayInsideTheGeneratorsSubset() {
        final Predicate<String> allowed = p -> SchemaChecks.ALLOWED_PATTERN.matcher(p).matches();
        for (final String pattern : List.of("^[A-Z]{3}$", "^\\+?\\d{7,15}$", "^[a-z0-9_-]+$", "^CVE-\\d{4}-\\d{4,7}$")) {
            assertThat(PatternSubset.allowed(pattern)).as(pattern).isTrue();
            assertThat(allowed.test(pattern)).as(pattern).isTrue();
        }
        for (final String pattern : List.of("^(ab)+$", "^a|b$", "^.*$", "^[^a]$", "^a{2,}$", "^a+*$")) {
            assertThat(PatternSubset.allowed(pattern)).as(pattern).isFalse();
            assertThat(allowed.test(pattern)).as(pattern).isFalse();
        }
    }
}
