package io.toolace.stream.kafka;

import org.apache.kafka.streams.Topology;

/**
 * One stage of the pipeline: a Kafka Streams application with its own application id. The topology
 * is built without I/O, so the CLI and the tests (TopologyTestDriver or a real broker) run the very
 * same graph.
 */
public interface Stage {

    /** Short name, e.g. {@code dialog}; the application id is the topic prefix plus this. */
    String name();

    Topology buildTopology();
}
