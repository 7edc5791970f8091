/**
 * Who a node is and where it can be reached: {@link io.polis.node.MemberId} and {@link io.polis.node.Address}.
 *
 * <p>These value types sit at the bottom of the package graph so that every layer, from the wire to the
 * public API, can name members without depending on a higher layer.
 */
@NullMarked
package io.polis.node;

import org.jspecify.annotations.NullMarked;
