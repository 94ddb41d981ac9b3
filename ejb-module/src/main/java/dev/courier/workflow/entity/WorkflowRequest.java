package dev.courier.workflow.entity;

import dev.courier.json.Jsons;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.TaskRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A workflow as it arrives over HTTP or as a message: {@code {"key": "order-17", "workflow":
 * step}}, where a step is a task request (as for {@code POST /api/tasks}, plus {@code
 * "receivesResult"} and {@code "onFailure"}), {@code {"chain": [step, ...]}}, {@code {"group":
 * [step, ...]}} or a chord, {@code {"group": [step, ...], "callback": step}}; chains and groups
 * take {@code "onFailure"} too. Every entry point parses it here, so all accept and refuse the same
 * trees, and a refusal names the step: an empty chain or group, a task type no handler takes,
 * nesting deeper than {@link #MAX_DEPTH}, more than {@link #MAX_TASKS} tasks. A JSON tree cannot
 * name a step twice, so a workflow cannot hold a cycle.
 */
public record WorkflowRequest(String key, Step root) {

  /** Levels of chains and groups inside one another, the workflow's own included. */
  public static final int MAX_DEPTH = 16;

  /** Tasks in one workflow: a group of 10,000 members fits, with room for its callback. */
  public static final int MAX_TASKS = 20_000;

  private static final Set<String> FIELDS = Set.of("key", "workflow");
  private static final Set<String> TASK_FIELDS = Set.of("receivesResult", "onFailure");
  private static final Set<String> CHAIN_FIELDS = Set.of("chain", "onFailure");
  private static final Set<String> GROUP_FIELDS = Set.of("group", "callback", "onFailure");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

  public int taskCount() {
    return root.taskCount();
  }

  /** Parses a request body; {@code knownType} says whether a handler takes a task type. */
  public static WorkflowRequest parse(String json, Predicate<String> knownType) {
    if (json == null || json.isBlank()) {
      throw new InvalidWorkflow(null, "the body is empty; expected a JSON object");
    }
    JsonValue value;
    try {
      value = Jsons.parse(json);
    } catch (JsonException e) {
      throw new InvalidWorkflow(null, "not valid JSON: " + e.getMessage());
    }
    if (!(value instanceof JsonObject object)) {
      throw new InvalidWorkflow(null, "expected a JSON object, got " + value.getValueType());
    }
    return of(object, knownType);
  }

  public static WorkflowRequest of(JsonObject object, Predicate<String> knownType) {
    unknownFields(null, object, FIELDS);
    String key = null;
    if (object.containsKey("key") && object.get("key") != JsonValue.NULL) {
      if (!(object.get("key") instanceof JsonString text)
          || !KEY.matcher(text.getString()).matches()) {
        throw new InvalidWorkflow(
            null, "'key' must be 1 to 200 printable ASCII characters without spaces");
      }
      key = text.getString();
    }
    if (!object.containsKey("workflow")) {
      throw new InvalidWorkflow(null, "'workflow' is missing: the tree of steps to run");
    }
    var parser = new Parser(knownType);
    Step root = parser.step("$", object.get("workflow"), 1);
    return new WorkflowRequest(key, root);
  }

  private static void unknownFields(String path, JsonObject object, Set<String> allowed) {
    for (String field : object.keySet()) {
      if (!allowed.contains(field)) {
        throw new InvalidWorkflow(
            path,
            "unknown field '"
                + field
                + "'; allowed fields are "
                + new java.util.TreeSet<>(allowed));
      }
    }
  }

  /** Walks the tree once, counting its tasks as it goes, so an oversize tree stops early. */
  private static final class Parser {
    private final Predicate<String> knownType;
    private int tasks;

    Parser(Predicate<String> knownType) {
      this.knownType = knownType;
    }

    Step step(String path, JsonValue value, int depth) {
      if (!(value instanceof JsonObject object)) {
        throw new InvalidWorkflow(
            path,
            "expected a step (a task, {\"chain\": [...]} or {\"group\": [...]}), got "
                + value.getValueType());
      }
      boolean chain = object.containsKey("chain");
      boolean group = object.containsKey("group");
      boolean task = object.containsKey("type");
      if ((chain ? 1 : 0) + (group ? 1 : 0) + (task ? 1 : 0) != 1) {
        throw new InvalidWorkflow(
            path, "a step has exactly one of 'type' (a task), 'chain' or 'group'");
      }
      if (!task && depth > MAX_DEPTH) {
        throw new InvalidWorkflow(
            path, "chains and groups nest at most " + MAX_DEPTH + " levels deep");
      }
      OnFailure onFailure = onFailure(path, object);
      if (task) {
        return task(path, object, onFailure);
      }
      if (chain) {
        unknownFields(path, object, CHAIN_FIELDS);
        String inner = path + ".chain";
        return new Step.Chain(path, steps(inner, object.get("chain"), depth), onFailure);
      }
      unknownFields(path, object, GROUP_FIELDS);
      List<Step> members = steps(path + ".group", object.get("group"), depth);
      Step callback = null;
      if (object.containsKey("callback") && object.get("callback") != JsonValue.NULL) {
        callback = step(path + ".callback", object.get("callback"), depth + 1);
      }
      return new Step.Group(path, members, callback, onFailure);
    }

    private List<Step> steps(String path, JsonValue value, int depth) {
      if (!(value instanceof JsonArray array)) {
        throw new InvalidWorkflow(path, "expected an array of steps");
      }
      if (array.isEmpty()) {
        throw new InvalidWorkflow(path, "is empty; a chain or group needs at least one step");
      }
      var steps = new ArrayList<Step>(array.size());
      for (int i = 0; i < array.size(); i++) {
        steps.add(step(path + "[" + i + "]", array.get(i), depth + 1));
      }
      return steps;
    }

    private Step task(String path, JsonObject object, OnFailure onFailure) {
      if (++tasks > MAX_TASKS) {
        throw new InvalidWorkflow(path, "a workflow holds at most " + MAX_TASKS + " tasks");
      }
      boolean receivesResult = true;
      if (object.containsKey("receivesResult")) {
        JsonValue flag = object.get("receivesResult");
        if (flag != JsonValue.TRUE && flag != JsonValue.FALSE) {
          throw new InvalidWorkflow(path, "'receivesResult' must be true or false");
        }
        receivesResult = flag == JsonValue.TRUE;
      }
      var request = Jsons.JSON.createObjectBuilder(object);
      TASK_FIELDS.forEach(request::remove);
      TaskRequest parsed;
      try {
        parsed = TaskRequest.of(request.build());
      } catch (InvalidTaskRequest e) {
        throw new InvalidWorkflow(path, e.getMessage());
      }
      if (!knownType.test(parsed.type())) {
        throw new InvalidWorkflow(
            path, "no handler is registered for task type '" + parsed.type() + "'");
      }
      return new Step.Task(path, parsed, receivesResult, onFailure);
    }

    private static OnFailure onFailure(String path, JsonObject object) {
      if (!object.containsKey("onFailure") || object.get("onFailure") == JsonValue.NULL) {
        return OnFailure.FAIL;
      }
      OnFailure policy =
          object.get("onFailure") instanceof JsonString name
              ? OnFailure.named(name.getString())
              : null;
      if (policy == null) {
        throw new InvalidWorkflow(path, "'onFailure' must be \"fail\", \"continue\" or \"ignore\"");
      }
      return policy;
    }
  }
}
