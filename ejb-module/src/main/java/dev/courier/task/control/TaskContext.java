package dev.courier.task.control;

import jakarta.json.JsonObject;

/** What a handler gets to work with: the task's identity, its payload and which attempt this is. */
public record TaskContext(String id, String type, JsonObject payload, int attempt) {}
