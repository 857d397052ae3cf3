package io.toolace.stream.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The live heap, as the benchmarks report it. The heap's used size read right after {@code System.gc()} also counts
 * whatever the stages' threads allocated since, which on a busy pipeline can be gigabytes of fetch buffers and
 * records in young regions; each heap pool's usage at the end of its last collection is what survived it.
 */
final class HeapAfterGc {

    private HeapAfterGc() {}

    /** Collects, then sums what each heap pool held after that collection, in MB. */
    static long megabytes() {
        System.gc();
        long used = 0;
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            final MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (afterGc != null) {
                used += afterGc.getUsed();
            }
        }
        return used >> 20;
    }
}
