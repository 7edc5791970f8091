/**
 * The public face of Polis for plain-Java users and the Spring module: {@link io.polis.PolisNode} and
 * the services it exposes.
 */
@NullMarked
package io.polis;

import org.jspecify.annotations.NullMarked;
