package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.evolution.PoolReport.Coverage;
import io.toolace.stream.llm.procedural.tss.Taxonomy;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.Lineage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link PoolReport} on four hand-built APIs whose every figure is counted by hand. */
class PoolReportTest {

    /** Weather / Forecast: 3 flat parameters (string, integer, string); enum, pattern, range; generation 0. */
    private static final ApiDefinition FORECAST = api("Get Hourly Forecast", "Weather", "Forecast", """
            {"type":"object","properties":{
              "city":{"type":"string","pattern":"^[A-Za-z ]+$"},
              "hours":{"type":"integer","minimum":1,"maximum":48},
              "units":{"type":"string","enum":["metric","imperial"]}},"required":["city"]}""", 0, List.of(),
            ApiOrigin.SYNTHESIZED, List.of("builtin-weather"), List.of(firstForecastFunctionality()));

    /** Weather / Weather Alerts: string, object (object in object), array of arrays; enum, format; REAL. */
    private static final ApiDefinition ALERTS = api("List Alerts", "weather", "Weather Alerts", """
            {"type":"object","properties":{
              "since":{"type":"string","format":"date"},
              "filters":{"type":"object","properties":{
                 "severity":{"type":"string","enum":["minor","severe"]},
                 "area":{"type":"object","properties":{"lat":{"type":"number"},"lon":{"type":"number"}}}}},
              "id_batches":{"type":"array","items":{"type":"array","items":{"type":"string"}}}}}""", 1,
            List.of("MUTATE_TYPES", "ADD_CONSTRAINTS"), ApiOrigin.REAL, List.of(), List.of());

    /** Finance / Payments: array of objects, array of strings, boolean; length constraints; generation 2. */
    private static final ApiDefinition ORDER = api("Create Order", "Finance", "Payments", """
            {"type":"object","properties":{
              "lines":{"type":"array","items":{"type":"object","properties":{
                 "sku":{"type":"string","minLength":1},"qty":{"type":"integer"}},"required":["sku"]}},
              "tags":{"type":"array","maxItems":5,"items":{"type":"string"}},
              "confirm":{"type":"boolean"}},"required":["lines"]}""", 2, List.of("ADD_PARAMETERS"),
            ApiOrigin.SYNTHESIZED, List.of(), List.of());

    /** Finance / Payments: no parameters, generation 1. */
    private static final ApiDefinition PING = api("Ping Payments", "Finance", "payments", """
            {"type":"object","properties":{}}""", 1, List.of(), ApiOrigin.SYNTHESIZED, List.of(), List.of());

    /** The id of a functionality the built-in taxonomy has under Weather / Forecast. */
    private static String firstForecastFunctionality() {
        final Taxonomy.Domain weather = Taxonomy.builtin().domains().stream().filter(d -> d.name().equals("Weather"))
                .findFirst().orElseThrow();
        final Taxonomy.SubDomain forecast = weather.subDomains().stream().filter(s -> s.name().equals("Forecast"))
                .findFirst().orElseThrow();
        return ContextPaths.id(List.of("Weather", "Forecast", forecast.functionalities().get(0).name()));
    }

    private static ApiDefinition api(final String name, final String domain, final String subDomain,
            final String parameters, final long generation, final List<String> diversity, final ApiOrigin origin,
            final List<String> seedIds, final List<String> functionalities) {
        return ApiDefinition.newBuilder(StageFixtures.weatherApi())
                .setId(ApiSignature.hash(name, parameters))
                .setName(name)
                .setDomain(domain)
                .setSubdomain(subDomain)
                .setParameters(parameters)
                .setGeneration(generation)
                .setDiversity(diversity)
                .setOrigin(origin)
                .setFunctionalities(functionalities)
                .setLineage(Lineage.newBuilder(StageFixtures.lineage()).setSeedIds(seedIds).build())
                .build();
    }

    private static PoolReport report(final int sample, final List<ApiDefinition> apis) {
        final PoolReport report = new PoolReport(1, sample, 42);
        apis.forEach(report::add);
        return report;
    }

    private static final List<ApiDefinition> ALL = List.of(FORECAST, ALERTS, ORDER, PING);

    @Test
    void everyFigureIsCountedExactly() {
        final PoolReport report = report(2, ALL);

        assertThat(report.size()).isEqualTo(4);
        assertThat(report.domains()).containsExactly(entry("Finance", 2L), entry("Weather", 2L));
        assertThat(report.subDomainCount()).isEqualTo(3);
        assertThat(report.functionalityCount()).isEqualTo(1);
        assertThat(report.parameterCounts()).containsExactly(entry(0L, 1L), entry(3L, 3L));
        assertThat(report.parameterTypes()).containsExactly(entry("string", 3L), entry("integer", 1L),
                entry("number", 0L), entry("boolean", 1L), entry("array", 3L), entry("object", 1L), entry("other", 0L));
        assertThat(report.nestedApis()).isEqualTo(2);
        // the inner list of an array of arrays is an array of scalars too
        assertThat(report.shapes()).containsExactly(entry("object parameter", 1L), entry("array of scalars", 2L),
                entry("array of arrays", 1L), entry("array of objects", 1L), entry("object in object", 1L),
                entry("array in object", 0L));
        assertThat(report.constraints()).containsExactly(entry("enum", 2L), entry("pattern", 1L), entry("format", 1L),
                entry("range", 1L), entry("length", 1L));
        assertThat(report.constrainedApis()).isEqualTo(3);
        assertThat(report.generations()).containsExactly(entry(0L, 1L), entry(1L, 2L), entry(2L, 1L));
        assertThat(report.origins()).containsExactly(entry("REAL", 1L), entry("SYNTHESIZED", 3L));
        assertThat(report.diversity()).containsOnly(entry("none", 2L), entry("MUTATE_TYPES", 1L),
                entry("ADD_CONSTRAINTS", 1L), entry("ADD_PARAMETERS", 1L));
        assertThat(report.builtinSource()).isTrue();
        final Coverage coverage = report.builtinCoverage();
        assertThat(coverage.domains()).isEqualTo(2);
        assertThat(coverage.builtinDomains()).isEqualTo(33);
        assertThat(coverage.subDomains()).isEqualTo(3);
        assertThat(coverage.builtinSubDomains()).isEqualTo(401);
        assertThat(coverage.functionalities()).isEqualTo(1);
        assertThat(coverage.missingSubDomains()).hasSize(398).doesNotContain("Finance / Payments");
    }

    @Test
    void theTextAndTheJsonCarryTheSameFigures() {
        final PoolReport report = report(2, ALL);
        final String text = report.toText("t.api.pool");
        assertThat(text).startsWith("t.api.pool: 4 APIs\n")
                .contains("domains 2 (built-in: 2 of 33), sub-domains 3 (built-in: 3 of 401), functionalities 1 (built-in: 1 of 3,553)")
                .contains("APIs per domain (top 1 of 2):\n  Finance                                 2  50.0%\n")
                .contains("  1 more domains                          2  50.0%  (per domain: min 2, median 2, max 2)")
                .contains("parameters per API: mean 2.3, max 3\n  0: 1 (25.0%), 3: 3 (75.0%)")
                .contains("parameter types (9 top-level parameters): string 3 (33.3%), integer 1 (11.1%)")
                .contains("flat 50.0%, nested 50.0% of APIs; shapes (share of APIs): object parameter 1 (25.0%)")
                .contains("constraints (share of APIs): enum 2 (50.0%), pattern 1 (25.0%), format 1 (25.0%), "
                        + "range 1 (25.0%), length 1 (25.0%), any 75.0%")
                .contains("generation: 0: 1 (25.0%), 1: 2 (50.0%), 2: 1 (25.0%)")
                .contains("origin: REAL 1 (25.0%), SYNTHESIZED 3 (75.0%)")
                .contains("sample of 2 (seed 42):");

        final JsonNode json = report.toJson("t.api.pool");
        assertThat(json.get("size").asLong()).isEqualTo(4);
        assertThat(json.at("/coverage/builtin/subDomains").asInt()).isEqualTo(3);
        assertThat(json.at("/domains/top/Finance").asLong()).isEqualTo(2);
        assertThat(json.at("/domains/tail/domains").asInt()).isEqualTo(1);
        assertThat(json.at("/parametersPerApi/distribution/3").asLong()).isEqualTo(3);
        assertThat(json.at("/shapes/array of arrays").asLong()).isEqualTo(1);
        assertThat(json.at("/constraints/enum").asLong()).isEqualTo(2);
        assertThat(json.at("/generations/1").asLong()).isEqualTo(2);
        assertThat(json.at("/sample/apis")).hasSize(2);
    }

    @Test
    void theSampleIsSeededAndDoesNotDependOnReadingOrder() {
        final List<ApiDefinition> shuffled = new ArrayList<>(ALL);
        Collections.shuffle(shuffled, new java.util.Random(3));
        assertThat(report(2, shuffled).sample()).isEqualTo(report(2, ALL).sample()).hasSize(2);
        final PoolReport other = new PoolReport(1, 2, 7);
        ALL.forEach(other::add);
        assertThat(report(4, ALL).sample()).containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(other.sample()).hasSize(2);
    }

    @Test
    void aSignatureShowsOptionalAndNestedParameters() {
        assertThat(PoolReport.signature(ORDER))
                .isEqualTo("Create Order(lines: array<object{sku: string, qty?: integer}>, tags?: array<string>, "
                        + "confirm?: boolean)");
        assertThat(PoolReport.signature(PING)).isEqualTo("Ping Payments()");
    }

    @Test
    void anEmptyPoolAndAPoolWithoutBuiltinSeedsAreReportedPlainly() {
        assertThat(report(3, List.of()).toText("p")).isEqualTo("p: 0 APIs\n");
        final PoolReport noBuiltin = report(0, List.of(ALERTS, ORDER));
        noBuiltin.addUnreadable();
        assertThat(noBuiltin.builtinSource()).isFalse();
        assertThat(noBuiltin.toText("p")).startsWith("p: 2 APIs (1 unreadable records skipped)\n"
                + "domains 2, sub-domains 2, functionalities 0\n").doesNotContain("sample of");
    }

    @Test
    void onProceduralApisTheSharesAddUp() {
        final ProceduralCandidates procedural = new ProceduralCandidates(1);
        final PoolReport report = new PoolReport(10, 5, 42);
        final SplittableRandom rnd = new SplittableRandom(1);
        ApiDefinition previous = null;
        for (int i = 0; i < 600; i++) {
            final ApiDefinition api = previous != null && rnd.nextBoolean() ? procedural.evolve(previous)
                    : procedural.adapt(procedural.functionalities().get(rnd.nextInt(3_000)), previous);
            report.add(api);
            previous = api;
        }
        final long parameters = report.parameterTypes().values().stream().mapToLong(Long::longValue).sum();
        final long byCount = report.parameterCounts().entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
        assertThat(parameters).isEqualTo(byCount);
        assertThat(report.generations().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(600);
        assertThat(report.domains().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(600);
        assertThat(report.nestedApis()).isPositive().isLessThan(600);
        assertThat(report.constrainedApis()).isGreaterThan(300);
        assertThat(report.builtinSource()).isTrue();
        assertThat(report.toJson("p").at("/sample/apis")).hasSize(5);
        assertThat(Map.copyOf(report.origins())).containsOnlyKeys("SYNTHESIZED");
    }
}
