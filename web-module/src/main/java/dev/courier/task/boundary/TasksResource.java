package dev.courier.task.boundary;

import static dev.courier.json.Jsons.JSON;

import dev.courier.problem.Admitted;
import dev.courier.task.boundary.Tasks.Page;
import dev.courier.task.control.IdempotencyKeys;
import dev.courier.task.control.TaskRetention;
import dev.courier.task.control.TaskSubmissions;
import dev.courier.task.control.TaskSubmissions.Submission;
import dev.courier.task.entity.InvalidTaskRequest;
import dev.courier.task.entity.Task;
import dev.courier.task.entity.TaskFilter;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("tasks")
@Tag(name = "tasks", description = "Submit, find, list and cancel tasks")
// one instance serves every request (its @Context fields are per-request proxies): building a
// request-scoped resource took a quarter of a submission's HTTP CPU
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class TasksResource {

  /** The most tasks one submission may carry (a JSON array of them). */
  static final int MAX_BATCH = 1000;

  @Inject Tasks tasks;
  @Inject TaskSubmissions submissions;
  @Inject TaskRetention retention;
  @Context UriInfo uri;
  @Context SecurityContext caller;

  /**
   * Submits a task: 201 with the new task; 200 with the existing one when the request repeats a key
   * that a task took within the idempotency window.
   */
  @POST
  @Admitted
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a task, or a JSON array of up to 1000 tasks",
      description =
          "An array is stored and sent in one transaction, all or none; a bad task refuses the"
              + " batch, named by its index. Its answer lists each task, new or the one that holds"
              + " its key: {\"created\", \"existing\", \"tasks\"}.")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(
                    name = "echo",
                    summary = "the result is the payload",
                    value =
                        "{\"type\": \"echo\", \"payload\": {\"hello\": \"world\"}, \"key\": \"order-42\"}"),
                @ExampleObject(
                    name = "a batch",
                    summary = "up to 1000 tasks in one transaction",
                    value =
                        "[{\"type\": \"echo\", \"payload\": {\"n\": 1}},"
                            + " {\"type\": \"echo\", \"payload\": {\"n\": 2}}]"),
                @ExampleObject(
                    name = "sleep, delayed and limited",
                    value =
                        "{\"type\": \"sleep\", \"payload\": {\"ms\": 30000, \"steps\": 10}, \"delaySeconds\": 60,"
                            + " \"priority\": 8, \"queue\": \"media\", \"timeoutSeconds\": 120}"),
                @ExampleObject(
                    name = "image.thumbnail",
                    value =
                        "{\"type\": \"image.thumbnail\", \"payload\": {\"source\": {\"file\": \"photos/cat.png\"},"
                            + " \"sizes\": [{\"width\": 320, \"height\": 320, \"format\": \"jpg\"},"
                            + " {\"width\": 64, \"height\": 64, \"format\": \"png\"}]}}"),
                @ExampleObject(
                    name = "email.campaign",
                    value =
                        "{\"type\": \"email.campaign\", \"payload\": {\"subject\": \"Your order {{order}}\","
                            + " \"text\": \"Dear {{name}}, order {{order}} has shipped.\","
                            + " \"recipients\": [{\"email\": \"ann@example.com\","
                            + " \"values\": {\"name\": \"Ann\", \"order\": \"A-17\"}}]}}"),
                @ExampleObject(
                    name = "data.transform",
                    value =
                        "{\"type\": \"data.transform\", \"payload\": {\"from\": \"csv\", \"to\": \"json\","
                            + " \"input\": {\"inline\": \"sku,qty\\nA-1,3\\n\"},"
                            + " \"mapping\": [{\"from\": \"qty\", \"to\": \"quantity\", \"type\": \"int\"}]}}")
              }))
  @APIResponse(responseCode = "201", description = "the new task, with its Location")
  @APIResponse(
      responseCode = "200",
      description = "the task that already took this key within the idempotency window")
  @APIResponse(responseCode = "400", description = "malformed request, unknown type or queue")
  @APIResponse(
      responseCode = "413",
      description = "the body is over courier.tasks.max-payload-bytes")
  public Response submit(String body) {
    String owner = caller.getUserPrincipal().getName();
    List<TaskRequest> batch = TaskRequest.parseBatch(body, MAX_BATCH);
    if (batch == null) {
      Submission submission = submissions.submit(TaskRequest.parse(body), owner);
      Task task = answer(submission);
      var location = uri.getAbsolutePathBuilder().path(task.id()).build();
      return (submission.created() ? Response.created(location) : Response.ok().location(location))
          .entity(task.toJson().toString())
          .build();
    }
    JsonArrayBuilder items = JSON.createArrayBuilder();
    int created = 0;
    for (Submission submission : submissions.submitAll(batch, owner)) {
      items.add(answer(submission).toJson());
      created += submission.created() ? 1 : 0;
    }
    return Response.status(created > 0 ? Response.Status.CREATED : Response.Status.OK)
        .entity(
            JSON.createObjectBuilder()
                .add("created", created)
                .add("existing", batch.size() - created)
                .add("tasks", items)
                .build()
                .toString())
        .build();
  }

  /** The task a submission answers with: the new one, or the one that holds its key. */
  private Task answer(Submission submission) {
    if (submission.created()) {
      return submission.task();
    }
    Task holder =
        tasks
            .find(submission.holderId())
            .orElseThrow(
                () ->
                    new WebApplicationException(
                        "a submission with the key '"
                            + submission.task().key()
                            + "' is under way, or was cut off by a crash; submit again in "
                            + IdempotencyKeys.PENDING.toSeconds()
                            + " s",
                        Response.status(Response.Status.CONFLICT)
                            .header(HttpHeaders.RETRY_AFTER, IdempotencyKeys.PENDING.toSeconds())
                            .build()));
    if (!mayRead(holder)) {
      throw new WebApplicationException(
          "the key '" + holder.key() + "' is taken by another user's task",
          Response.Status.CONFLICT);
    }
    return holder;
  }

  @GET
  @Path("summary")
  @Operation(summary = "Tasks by state and queue, and finished per minute over the last minutes")
  public String summary(@QueryParam("minutes") String minutes) {
    return tasks
        .summary(dev.courier.problem.QueryParams.number("minutes", minutes, 15, 1, 120))
        .toString();
  }

  @GET
  @Path("stats")
  @Operation(
      summary =
          "Counts and timings (submit to start, lateness, first start, last finish) of the tasks"
              + " that match: keyPrefix, type, queue, state, from, to, as the list takes them")
  public String stats(
      @QueryParam("keyPrefix") String keyPrefix,
      @QueryParam("type") String type,
      @QueryParam("queue") String queue,
      @QueryParam("state") String states,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    var filter =
        new TaskFilter(
            states(states),
            blankToNull(type),
            blankToNull(queue),
            null,
            blankToNull(keyPrefix),
            instant("from", from),
            instant("to", to),
            0,
            1,
            caller.isUserInRole("admin") ? null : caller.getUserPrincipal().getName(),
            null);
    if (filter.keyPrefix() == null && filter.type() == null && filter.from() == null) {
      throw new BadRequestException(
          "say which tasks to count: GET /api/tasks/stats?keyPrefix=... (or type=, from=)");
    }
    return tasks.stats(filter).toJson().toString();
  }

  @GET
  @Path("{id}")
  @Operation(
      summary =
          "A task: state, attempts, progress, result, error, times, and each failed attempt"
              + " (failures: attempt, startedAt, failedAt, outcome, error)")
  @APIResponse(responseCode = "404", description = "no such task")
  public String find(@PathParam("id") String id) {
    Task task =
        tasks
            .find(id)
            .filter(this::mayRead)
            .orElseThrow(() -> new NotFoundException("there is no task with id " + id));
    JsonArrayBuilder failures = JSON.createArrayBuilder();
    tasks.failures(id).forEach(failure -> failures.add(failure.toJson()));
    return JSON.createObjectBuilder(task.toJson()).add("failures", failures).build().toString();
  }

  /** An admin reads every task; a submitter the tasks it submitted. */
  private boolean mayRead(Task task) {
    return caller.isUserInRole("admin") || caller.getUserPrincipal().getName().equals(task.owner());
  }

  /**
   * Cancels a task: one whose message still waits on its queue (not started, or waiting for a
   * retry) is withdrawn and CANCELLED at once (200); a running one is interrupted, and one whose
   * message a worker already holds is not run, and either ends CANCELLED (202, with
   * cancelRequested); a finished one answers 409.
   */
  @DELETE
  @Path("{id}")
  @Operation(
      summary =
          "Cancel a task (200), or interrupt a running one or one a worker holds (202); 409 once"
              + " finished")
  public Response cancel(@PathParam("id") String id) {
    Task task =
        tasks.cancel(id).orElseThrow(() -> new NotFoundException("there is no task with id " + id));
    // CANCELLED at once (200), or marked: the attempt that runs or holds it ends it (202)
    return Response.status(
            task.state() == TaskState.CANCELLED ? Response.Status.OK : Response.Status.ACCEPTED)
        .entity(task.toJson().toString())
        .build();
  }

  /**
   * Removes finished tasks (and their failed attempts): {@code
   * ?finishedBefore=2026-12-01T00:00:00Z[&state=SUCCEEDED,CANCELLED,DEAD]}, all three states unless
   * narrowed. The retention sweep does the same for SUCCEEDED and CANCELLED tasks on its own.
   */
  @DELETE
  @Operation(
      summary =
          "Remove the finished tasks (SUCCEEDED, CANCELLED, DEAD, or those given in ?state=) that"
              + " finished before ?finishedBefore=")
  public String remove(
      @QueryParam("finishedBefore") String finishedBefore, @QueryParam("state") String states) {
    Instant before = instant("finishedBefore", finishedBefore);
    if (before == null) {
      throw InvalidTaskRequest.malformed(
          "give the time before which finished tasks go: ?finishedBefore=2026-12-01T00:00:00Z");
    }
    Set<TaskState> chosen = states(states);
    if (chosen.isEmpty()) {
      chosen = EnumSet.of(TaskState.SUCCEEDED, TaskState.CANCELLED, TaskState.DEAD);
    }
    if (chosen.stream().anyMatch(state -> !state.isFinal())) {
      throw InvalidTaskRequest.malformed(
          "only finished tasks (SUCCEEDED, CANCELLED, DEAD) can be removed; got " + chosen);
    }
    return JSON.createObjectBuilder()
        .add("removed", retention.remove(before, chosen))
        .build()
        .toString();
  }

  @POST
  @Path("{id}/cancel")
  @Operation(summary = "Cancel a task, as DELETE does")
  public Response cancelByPost(@PathParam("id") String id) {
    return cancel(id);
  }

  /**
   * Lists tasks, newest first (then by id): {@code ?state=FAILED,DEAD&type=&queue=&key=&keyPrefix=
   * &from=&to=&offset=0&limit=50} (from and to are ISO-8601 instants on the creation time). A full
   * page carries {@code next}: {@code ?after=<next>} lists on from there, and neither repeats nor
   * skips a task however many are stored meanwhile (an offset shifts when they are).
   */
  @GET
  @Operation(
      summary =
          "List tasks by state, type, queue, key and creation time, in pages: ?after=<next> goes"
              + " on where a page ended")
  public String list(
      @QueryParam("state") String states,
      @QueryParam("type") String type,
      @QueryParam("queue") String queue,
      @QueryParam("key") String key,
      @QueryParam("keyPrefix") String keyPrefix,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("offset") @DefaultValue("0") String offset,
      @QueryParam("limit") @DefaultValue("50") String limit,
      @QueryParam("after") String after) {
    var filter =
        new TaskFilter(
            states(states),
            blankToNull(type),
            blankToNull(queue),
            blankToNull(key),
            blankToNull(keyPrefix),
            instant("from", from),
            instant("to", to),
            number("offset", offset),
            number("limit", limit),
            caller.isUserInRole("admin") ? null : caller.getUserPrincipal().getName(),
            after == null || after.isBlank() ? null : TaskFilter.Cursor.parse(after.trim()));
    Page page = tasks.list(filter);
    JsonArrayBuilder items = JSON.createArrayBuilder();
    page.items().forEach(task -> items.add(task.toJson()));
    var answer =
        JSON.createObjectBuilder()
            .add("items", items)
            .add("total", page.total())
            .add("offset", filter.offset())
            .add("limit", filter.limit());
    if (page.items().size() == filter.limit()) {
      Task last = page.items().get(page.items().size() - 1);
      answer.add("next", new TaskFilter.Cursor(last.createdAt(), last.id()).text());
    }
    return answer.build().toString();
  }

  private static Set<TaskState> states(String text) {
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    if (text == null || text.isBlank()) {
      return states;
    }
    for (String name : text.split(",")) {
      try {
        states.add(TaskState.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw InvalidTaskRequest.malformed(
            "'state' takes states separated by commas, from "
                + EnumSet.allOf(TaskState.class)
                + "; got '"
                + name
                + "'");
      }
    }
    return states;
  }

  private static Instant instant(String name, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw InvalidTaskRequest.malformed(
          "'"
              + name
              + "' must be an ISO-8601 date and time with an offset, such as 2026-12-01T09:00:00Z");
    }
  }

  private static int number(String name, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw InvalidTaskRequest.malformed(
          "'" + name + "' must be a whole number, got '" + text + "'");
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
