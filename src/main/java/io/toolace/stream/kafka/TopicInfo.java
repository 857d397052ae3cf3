package io.toolace.stream.kafka;

/**
 * What {@link TopicAdmin#describe} reports for a topic.
 *
 * @param offsetSpan the sum over partitions of (last stable offset - log start offset). This is
 *     what the broker can tell without reading the data, and it is an upper bound on the records a
 *     read_committed consumer would see: transaction markers (one per partition and transaction)
 *     and aborted records take offsets too, and compaction leaves gaps. For an exact count use
 *     {@link TopicAdmin#countCommitted}.
 */
public record TopicInfo(String name, int partitions, String cleanupPolicy, long offsetSpan) {}
