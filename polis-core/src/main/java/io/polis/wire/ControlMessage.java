package io.polis.wire;

/** Connection housekeeping that the transport handles itself and never hands to a protocol. */
public sealed interface ControlMessage extends Message permits Heartbeat, Goodbye {}
