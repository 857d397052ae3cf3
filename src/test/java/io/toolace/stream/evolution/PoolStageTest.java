package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.records.ApiDefinition;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool stage on {@link TopologyTestDriver} with real serdes: rule check, exact and near-duplicate dedup. */
class PoolStageTest {

    private static final String FORECAST_PARAMETERS = """
            {"type":"object","properties":{
              "city":{"type":"string","description":"City name."},
              "hours":{"type":"integer","description":"Hours ahead.","minimum":1,"maximum":48},
              "units":{"type":"string","description":"Units.","enum":["metric","imperial"]}},
             "required":["city"]}""";

    @TempDir
    Path dir;

    private StageFixtures fixtures;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ApiDefinition> candidates;
    private TestOutputTopic<String, ApiDefinition> pool;
    private TestOutputTopic<String, ApiDefinition> rejected;

    private void start(final double threshold) {
        fixtures = new StageFixtures(dir);
        final var topics = fixtures.topics;
        driver = new TopologyTestDriver(new PoolStage(topics, new VerifierApiCheck(), threshold).buildTopology(),
                fixtures.driverProperties("pool-stage-test"));
        candidates = StageFixtures.input(driver, topics.candidates);
        pool = StageFixtures.output(driver, topics.pool);
        rejected = StageFixtures.output(driver, topics.apiRejected);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        if (fixtures != null) {
            fixtures.close();
        }
    }

    static ApiDefinition api(final String name, final String description, final String subDomain,
            final String parameters) {
        return ApiDefinition.newBuilder(StageFixtures.weatherApi())
                .setId(ApiSignature.hash(name, parameters))
                .setName(name)
                .setDescription(description)
                .setDomain("Weather")
                .setSubdomain(subDomain)
                .setParameters(parameters)
                .build();
    }

    private static ApiDefinition forecast() {
        return api("Get Hourly Forecast", "Returns the hourly weather forecast for a city, in metric or imperial units.",
                "Forecasts", FORECAST_PARAMETERS);
    }

    private void offer(final ApiDefinition api) {
        candidates.pipeInput(api.getId(), api);
    }

    private static double similarity(final ApiDefinition a, final ApiDefinition b) {
        return ApiSignature.similarity(a.getName(), a.getDescription(), a.getParameters(),
                b.getName(), b.getDescription(), b.getParameters());
    }

    @Test
    void aRenamedCopyWithARewordedDescriptionIsRejectedAsANearDuplicate() {
        start(PoolStage.DEFAULT_NEAR_DUPLICATE_THRESHOLD);
        // Given a pooled forecast API
        offer(forecast());
        assertThat(pool.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(forecast().getId());

        // When a copy comes in renamed and reworded, its signature new (the hours type changed too)
        final ApiDefinition copy = api("get_hourly_forecasts",
                "Returns hourly weather forecasts for one city in metric or imperial units.", "Forecasts",
                FORECAST_PARAMETERS.replace("\"hours\":{\"type\":\"integer\"", "\"hours\":{\"type\":\"number\""));
        assertThat(copy.getId()).isNotEqualTo(forecast().getId());
        offer(copy);

        // Then it is rejected with the score and the pooled API's name, keyed by its id
        final double score = similarity(copy, forecast());
        assertThat(score).isGreaterThanOrEqualTo(0.9).isLessThan(1.0);
        assertThat(pool.isEmpty()).isTrue();
        final TestRecord<String, ApiDefinition> rejection = rejected.readRecord();
        assertThat(rejection.key()).isEqualTo(copy.getId());
        assertThat(rejection.value().getRejection()).isEqualTo(String.format(Locale.ROOT,
                "API_NEAR_DUPLICATE: similar (%.2f) to pooled API 'Get Hourly Forecast'", score));
        assertThat(rejection.value().getName()).isEqualTo("get_hourly_forecasts");
    }

    @Test
    void aDifferentApiOfTheSameSubDomainJoinsThePool() {
        start(PoolStage.DEFAULT_NEAR_DUPLICATE_THRESHOLD);
        offer(forecast());
        final ApiDefinition alerts = api("List Severe Weather Alerts",
                "Lists active severe weather alerts issued for a region.", "Forecasts", """
                {"type":"object","properties":{"region":{"type":"string","description":"Region code."},
                 "severity":{"type":"string","description":"Lowest severity.","enum":["minor","severe"]}},
                 "required":["region"]}""");
        offer(alerts);

        assertThat(NearDuplicates.block(alerts)).isEqualTo(NearDuplicates.block(forecast()));
        assertThat(similarity(alerts, forecast())).isLessThan(0.5);
        assertThat(pool.readKeyValuesToList()).extracting(kv -> kv.value.getName())
                .containsExactly("Get Hourly Forecast", "List Severe Weather Alerts");
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    void anExactDuplicateIsCaughtByTheSignatureCheckAndABrokenApiByTheRules() {
        start(PoolStage.DEFAULT_NEAR_DUPLICATE_THRESHOLD);
        offer(forecast());
        // same normalised signature: case, spacing and description differ, in another sub-domain even
        final ApiDefinition sameSignature = api("get hourly FORECAST", "Something else entirely.", "Climate",
                FORECAST_PARAMETERS);
        assertThat(sameSignature.getId()).isEqualTo(forecast().getId());
        offer(sameSignature);
        final ApiDefinition broken = api("Broken", "", "Forecasts", "{\"type\":\"object\",\"properties\":{}}");
        offer(broken);

        assertThat(pool.readKeyValuesToList()).hasSize(1);
        final List<ApiDefinition> rejections = rejected.readValuesToList();
        assertThat(rejections).extracting(ApiDefinition::getRejection).satisfiesExactly(
                r -> assertThat(r).isEqualTo(
                        "API_DUPLICATE_SIGNATURE: same normalised signature as earlier API 'Get Hourly Forecast'"),
                r -> assertThat(r).startsWith("API_DESCRIPTION_MISSING: "));
    }

    @Test
    void aVerbSwapIsCaughtAtTheDefaultThresholdAndACopyInAnotherSubDomainIsNotCompared() {
        start(PoolStage.DEFAULT_NEAR_DUPLICATE_THRESHOLD);
        offer(forecast());
        final String description = forecast().getDescription();
        // "fetch" and "get" name one operation, so the swap keeps the name overlap whole
        final ApiDefinition verbSwap = api("fetchHourlyForecast", description, "Forecasts", FORECAST_PARAMETERS);
        final ApiDefinition elsewhere = api("fetchHourlyForecast", description, "Marine", FORECAST_PARAMETERS
                .replace("\"city\"", "\"port\""));
        assertThat(similarity(verbSwap, forecast())).isCloseTo(1.0, within(1e-9));
        offer(verbSwap);
        offer(elsewhere);

        assertThat(rejected.readValuesToList()).extracting(ApiDefinition::getName).containsExactly("fetchHourlyForecast");
        assertThat(pool.readValuesToList()).extracting(ApiDefinition::getSubdomain).containsExactly("Forecasts", "Marine");
    }

    /**
     * 5,000 candidates as the evolution stage asks for them, closed loop: each pooled API is evolved in
     * turn, as the pipeline does. Reports what near-duplicate detection adds to the rejections, and
     * checks with an all-pairs search that blocking by sub-domain misses no near duplicate.
     */
    @Test
    void onAProceduralStreamTheDefaultThresholdRejectsFewAndBlockingMissesNone() {
        start(PoolStage.DEFAULT_NEAR_DUPLICATE_THRESHOLD);
        final ProceduralCandidates procedural = new ProceduralCandidates(2409_00920L);
        final Deque<ApiDefinition> toEvolve = new ArrayDeque<>();
        final List<ApiDefinition> buffer = new ArrayList<>();
        final Map<String, Integer> rejectedByRule = new HashMap<>();
        final List<ApiDefinition> pooled = new ArrayList<>();
        final List<ApiDefinition> nearDuplicates = new ArrayList<>();
        final int total = 5_000;
        int offered = 0;
        int adapted = 0;
        final long started = System.nanoTime();
        while (offered < total) {
            final boolean adapt = adapted < procedural.functionalities().size()
                    && (toEvolve.isEmpty() || offered % 2 == 0);
            final ApiDefinition candidate = adapt
                    ? procedural.adapt(procedural.functionalities().get(adapted++),
                            buffer.isEmpty() ? null : buffer.get(offered % buffer.size()))
                    : procedural.evolve(toEvolve.poll());
            offer(candidate);
            offered++;
            for (final ApiDefinition api : pool.readValuesToList()) {
                pooled.add(api);
                toEvolve.add(api);
                buffer.add(api);
                if (buffer.size() > Evolver.BUFFER_SIZE) {
                    buffer.remove(0);
                }
            }
            for (final ApiDefinition api : rejected.readValuesToList()) {
                if (api.getRejection().startsWith("API_NEAR_DUPLICATE")) {
                    nearDuplicates.add(api);
                }
                rejectedByRule.merge(api.getRejection().substring(0, api.getRejection().indexOf(':')), 1, Integer::sum);
            }
        }
        final double seconds = (System.nanoTime() - started) / 1e9;

        final int near = rejectedByRule.getOrDefault("API_NEAR_DUPLICATE", 0);
        final int exact = rejectedByRule.getOrDefault("API_DUPLICATE_SIGNATURE", 0);
        final long missedAcrossBlocks = nearDuplicatePairs(pooled).stream()
                .filter(p -> !NearDuplicates.block(pooled.get(p[0])).equals(NearDuplicates.block(pooled.get(p[1]))))
                .count();
        // the pair search finds what the stage found: each near duplicate it rejected pairs with a pooled API
        final List<ApiDefinition> withRejected = new ArrayList<>(pooled);
        withRejected.addAll(nearDuplicates);
        final Set<Integer> paired = new HashSet<>();
        nearDuplicatePairs(withRejected).forEach(p -> paired.add(p[1]));
        for (int i = pooled.size(); i < withRejected.size(); i++) {
            assertThat(paired).as("near duplicate %s", withRejected.get(i).getName()).contains(i);
        }
        System.out.printf("pool stage on %d procedural candidates: %d pooled, %d near duplicates (%.2f%%), "
                        + "%d exact duplicates (%.2f%%), other rejections %s; %d near-duplicate pairs across blocks; "
                        + "%.1f s on the test driver%n", total, pooled.size(), near, 100.0 * near / total, exact,
                100.0 * exact / total, rejectedByRule, missedAcrossBlocks, seconds);
        assertThat(pooled.size() + rejectedByRule.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        assertThat(rejectedByRule.keySet()).isSubsetOf("API_NEAR_DUPLICATE", "API_DUPLICATE_SIGNATURE");
        // few enough that the pool still grows to the paper's 26,507 (3,553 functionalities x 9 generations)
        assertThat(100.0 * near / total).isLessThan(2.0);
        assertThat(missedAcrossBlocks).isZero();
    }

    /**
     * Pairs of APIs at or above the default threshold, found without comparing all pairs: at 0.9 the
     * name Jaccard must be at least 1 - 0.1 / 0.35 (the other two parts give at most 0.65), so two such
     * names share one of their rarest few tokens (prefix filtering).
     */
    private static List<int[]> nearDuplicatePairs(final List<ApiDefinition> pooled) {
        final double threshold = PoolStage.DEFAULT_NEAR_DUPLICATE_THRESHOLD;
        final List<NearDuplicates.Entry> entries = pooled.stream().map(api -> NearDuplicates.Entry.of(api, 0)).toList();
        final List<List<String>> names = pooled.stream()
                .map(api -> List.copyOf(ApiSignature.tokens(api.getName()))).toList();
        final Map<String, Integer> frequency = new HashMap<>();
        names.forEach(tokens -> tokens.forEach(t -> frequency.merge(t, 1, Integer::sum)));
        final double nameWeight = ApiSignature.similarity(
                new ApiSignature.Fingerprint(Set.of("x"), Set.of(), Set.of()),
                new ApiSignature.Fingerprint(Set.of("x"), Set.of("y"), Set.of("z")));
        final double minNameJaccard = 1 - (1 - threshold) / nameWeight;
        final Map<String, List<Integer>> index = new HashMap<>();
        final Set<Long> seen = new HashSet<>();
        final List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            final List<String> rarestFirst = new ArrayList<>(names.get(i));
            rarestFirst.sort(Comparator.<String>comparingInt(frequency::get).thenComparing(t -> t));
            final int prefix = rarestFirst.size() - (int) Math.ceil(minNameJaccard * rarestFirst.size()) + 1;
            for (final String token : rarestFirst.subList(0, Math.min(prefix, rarestFirst.size()))) {
                final List<Integer> earlier = index.computeIfAbsent(token, t -> new ArrayList<>());
                for (final int j : earlier) {
                    if (seen.add((long) j * names.size() + i) && entries.get(i).similarity(entries.get(j)) >= threshold) {
                        pairs.add(new int[] {j, i});
                    }
                }
                earlier.add(i);
            }
        }
        return pairs;
    }
}
