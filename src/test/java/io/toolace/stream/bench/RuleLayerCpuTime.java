package io.toolace.stream.bench;

import io.toolace.stream.cli.CpuTimeRate;
import io.toolace.stream.dialog.ProceduralDialogs;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.dlv.VerifierRuleLayer;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.records.Sample;
import io.toolace.stream.verify.RuleConfig;
import io.toolace.stream.verify.RuleVerifier;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The rule layer's rate per CPU-second of the measuring thread, beside {@link RuleLayerBenchmark}'s
 * wall-clock rate: on a shared machine other processes take the core away for part of each wall
 * second, which the JMH figure counts against the code and this one does not (cache and memory
 * contention still count). Same corpora and sample sets as the benchmark.
 *
 * <p>{@code java -cp ... io.toolace.stream.bench.RuleLayerCpuTime [cpuSecondsPerRound [rounds]]}, or
 * {@code mvn -B -ntp -Pbench test-compile exec:exec -Dbench.main=io.toolace.stream.bench.RuleLayerCpuTime -Dbench.args="1 10"}.
 */
public final class RuleLayerCpuTime {

    private static final int WARMUP_ROUNDS = 5;

    private RuleLayerCpuTime() {}

    public static void main(final String[] args) throws Exception {
        final double cpuSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final RuleVerifier verifier = new RuleVerifier(RuleConfig.DEFAULTS);
        final VerifierRuleLayer ruleLayer = new VerifierRuleLayer(RuleConfig.DEFAULTS);
        final List<Sample> pipeline = ProceduralDialogs.samples(RuleLayerBenchmark.PROCEDURAL_SAMPLES,
                RuleLayerBenchmark.FAULT_RATE, RuleLayerBenchmark.SEED);

        final Map<String, IntUnaryOperator> workloads = new LinkedHashMap<>();
        final ToolSample[] toolace = RuleLayerBenchmark.toolAceSamples().toArray(ToolSample[]::new);
        final ToolSample[] procedural = pipeline.stream().map(ToolSamples::toToolSample).toArray(ToolSample[]::new);
        final ToolSample[] bfcl = RuleLayerBenchmark.bfclSamples().toArray(ToolSample[]::new);
        final Sample[] records = pipeline.toArray(Sample[]::new);
        workloads.put("verify[toolace]", i -> verifier.verify(toolace[i % toolace.length]).size());
        workloads.put("verify[procedural]", i -> verifier.verify(procedural[i % procedural.length]).size());
        workloads.put("verify[bfcl]", i -> verifier.verify(bfcl[i % bfcl.length]).size());
        workloads.put("ruleLayerCheck", i -> ruleLayer.check(records[i % records.length]).size());

        System.out.printf("%d cores, load average %s; %d rounds of %.1f CPU-s after %d warm-up rounds%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), rounds, cpuSeconds, WARMUP_ROUNDS);
        System.out.printf("%-20s %14s %14s %14s %16s%n", "workload", "min /cpu-s", "median /cpu-s", "max /cpu-s",
                "median /wall-s");
        for (final Map.Entry<String, IntUnaryOperator> workload : workloads.entrySet()) {
            final CpuTimeRate.Rates rates = CpuTimeRate.measure(workload.getValue(), WARMUP_ROUNDS, rounds, cpuSeconds);
            System.out.printf("%-20s %14.0f %14.0f %14.0f %16.0f%n", workload.getKey(), rates.min(), rates.median(),
                    rates.max(), rates.medianPerWallSecond());
        }
        System.out.printf("load average at the end %s%n", loadAverage());
    }

    private static String loadAverage() {
        try {
            final List<String> parts = new ArrayList<>(List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")));
            return String.join(" ", parts.subList(0, 3));
        } catch (final Exception e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
