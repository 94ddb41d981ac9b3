package dev.courier.json;

import jakarta.json.spi.JsonProvider;

/**
 * The JSON-P provider, looked up once. {@code jakarta.json.Json}'s static methods look it up with a
 * ServiceLoader on every call, which on an application server scans the class loaders each time and
 * showed up as the hottest frame of a task's run.
 */
public final class Jsons {

  public static final JsonProvider JSON = JsonProvider.provider();

  private Jsons() {}
}
