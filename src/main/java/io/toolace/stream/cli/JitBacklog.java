package io.toolace.stream.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * How far HotSpot's optimising compiler (C2) is behind. A whole pipeline in one JVM (broker, stages, gateway)
 * has more hot code than one C2 thread compiles quickly on 2 busy cores: in a first-generation inline run
 * 70 to 130 methods waited for C2 for the first three to four minutes, and the rate climbed from 150 to 500
 * verified dialogs/s as the queue drained. A window opened before that measures the JIT's warm-up as much as
 * the pipeline. (A JFR recording started in a running JVM refills the queue: 3 to 5,000 methods.)
 */
final class JitBacklog {

    private static final String QUEUE_HEADER = "C2 compile queue:";

    private JitBacklog() {}

    /** Methods waiting for C2, from the {@code Compiler.queue} diagnostic command; -1 where the JVM has no such queue. */
    static int c2Queue() {
        final String queue;
        try {
            queue = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException | RuntimeException e) {
            return -1;
        }
        return waitingForC2(queue);
    }

    /** Counts the task lines (each begins with its compile id) under the C2 queue's header of a {@code Compiler.queue} text. */
    static int waitingForC2(final String queue) {
        final int header = queue.indexOf(QUEUE_HEADER);
        if (header < 0) {
            return -1;
        }
        int waiting = 0;
        for (final String line : queue.substring(header + QUEUE_HEADER.length()).split("\n")) {
            if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
                waiting++;
            }
        }
        return waiting;
    }

    /** Milliseconds the JIT compilers have spent compiling since the JVM started; -1 if it does not say. */
    static long compileMillis() {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }
}
