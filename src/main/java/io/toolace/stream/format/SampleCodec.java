package io.toolace.stream.format;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads and writes samples of one file format, one JSON object per sample. */
interface SampleCodec {

    ToolSample read(ObjectNode record) throws MalformedSampleException;

    ObjectNode write(ToolSample sample);
}
