/**
 * Spring Boot auto-configuration for Polis. Binds {@code polis.*} properties, builds the core objects and
 * ties their life to the application context. No protocol logic lives here.
 */
@NullMarked
package io.polis.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
