package io.toolace.stream.kafka;

import java.util.stream.Stream;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/** The nodes of a topology's sub-topologies, for reading its stores, sources and sinks off its description. */
public final class TopologyNodes {

    private TopologyNodes() {}

    public static Stream<TopologyDescription.Node> of(final Topology topology) {
        return topology.describe().subtopologies().stream().flatMap(subtopology -> subtopology.nodes().stream());
    }
}
