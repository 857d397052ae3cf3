package io.toolace.stream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.CommittedKeys;
import io.toolace.stream.kafka.PipelineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Named benchmark scenarios on a fresh embedded broker, each printing one result line and appending
 * one JSON record to {@code --json}. Figures are wall time on whatever machine runs them; the record
 * carries the process CPU time and core count so runs on different machines can be compared.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark scenario on a fresh embedded broker and print one result line.",
                "pool-growth: time until the API pool holds --pool-size APIs (speciation, evolution, pool, gateway)."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "pool-growth")
    String scenario;

    @Option(names = "--pool-size", defaultValue = "26507",
            description = "pool-growth: APIs to reach; the paper's pool has 26,507 (default: ${DEFAULT-VALUE}).")
    int poolSize;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Append the result as one JSON line to this file.")
    Path json;

    @Option(names = "--keep", description = "Keep the benchmark's data directory (printed) instead of deleting it.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (!"pool-growth".equals(scenario)) {
            spec.commandLine().getErr().println("bench: no scenario '" + scenario + "'; scenarios: pool-growth");
            return 2;
        }
        final Path dataDir = Files.createTempDirectory("toolace-bench-");
        try {
            return poolGrowth(dataDir);
        } finally {
            if (keep) {
                spec.commandLine().getOut().println("data kept in " + dataDir);
            } else {
                delete(dataDir);
            }
        }
    }

    private int poolGrowth(final Path dataDir) throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final PipelineConfig config = PipelineConfig.builder(dataDir).partitions(partitions).build();
        final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final long cpuBefore = os.getProcessCpuTime();
        final long started = System.nanoTime();
        final ObjectNode result = new ObjectMapper().createObjectNode()
                .put("scenario", scenario).put("at", Instant.now().toString())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("partitions", partitions)
                .put("target", poolSize);
        try (Pipeline pipeline = Pipeline.start(config,
                new LinkedHashSet<>(List.of("speciation", "evolution", "pool", "gateway")), Duration.ofMinutes(2));
                CommittedKeys pool = new CommittedKeys(pipeline.clientConfig(), pipeline.topics().pool.name()).start()) {
            final double startup = (System.nanoTime() - started) / 1e9;
            final long deadline = started + timeout.toNanos();
            long nextLine = System.nanoTime();
            while (pool.size() < poolSize && System.nanoTime() < deadline && pipeline.failure() == null
                    && pool.failure() == null) {
                if (System.nanoTime() >= nextLine) {
                    out.printf("  %5.0f s  pool %,d%n", (System.nanoTime() - started) / 1e9, pool.size());
                    out.flush();
                    nextLine += Duration.ofSeconds(10).toNanos();
                }
                Thread.sleep(50);
            }
            final double seconds = (System.nanoTime() - started) / 1e9;
            final double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
            final boolean reached = pool.size() >= poolSize;
            result.put("reached", reached).put("apis", pool.size()).put("seconds", round(seconds))
                    .put("startupSeconds", round(startup)).put("apisPerSecond", round(pool.size() / seconds))
                    .put("cpuSeconds", round(cpu)).put("heapUsedMb", memory.getHeapMemoryUsage().getUsed() >> 20);
            out.printf("pool-growth: %s %,d APIs in %.1f s (%.0f APIs/s, %.1f s of it start-up), process CPU %.0f s on %d"
                            + " cores, heap %d MB%n", reached ? "reached" : "DID NOT REACH", pool.size(), seconds,
                    pool.size() / seconds, startup, cpu, Runtime.getRuntime().availableProcessors(),
                    memory.getHeapMemoryUsage().getUsed() >> 20);
            if (!reached) {
                out.println("  stopped by: " + (pipeline.failure() != null ? pipeline.failure()
                        : pool.failure() != null ? pool.failure() : "timeout " + timeout));
            }
            out.flush();
            if (json != null) {
                if (json.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(json.toAbsolutePath().getParent());
                }
                Files.writeString(json, result + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            return reached ? 0 : 1;
        }
    }

    private static double round(final double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void delete(final Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (final Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
