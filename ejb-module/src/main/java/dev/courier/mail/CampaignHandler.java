package dev.courier.mail;

import static dev.courier.json.Jsons.JSON;

import dev.courier.task.boundary.Tasks;
import dev.courier.task.control.TaskContext;
import dev.courier.task.control.TaskFailure;
import dev.courier.task.control.TaskHandler;
import dev.courier.task.control.TaskSubmissions;
import dev.courier.task.control.TaskType;
import dev.courier.task.entity.TaskRequest;
import dev.courier.task.entity.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code email.campaign}: one template, many recipients.
 *
 * <pre>{"subject": "Hello {{name}}", "text": "…{{name}}…", "html": "<p>…{{name}}…</p>",
 *  "recipients": [{"email": "ann@example.com", "values": {"name": "Ann"}}, …]}</pre>
 *
 * Fans out one {@code email.send} task per recipient (keyed {@code campaign:<id>:<n>}, so a retried
 * campaign does not send twice), each retried on its own and paced by the email queue and its rate
 * limit; then reports progress (sent, failed, pending) until every child has finished. A recipient
 * without a value for a placeholder fails the campaign before anything is sent.
 */
@ApplicationScoped
@TaskType("email.campaign")
public class CampaignHandler implements TaskHandler {

  /** Recipients whose mails are stored in one transaction. */
  private static final int QUEUED_AT_ONCE = 500;

  private static final int MAX_RECIPIENTS = 100_000;
  private static final Duration POLL = Duration.ofMillis(500);

  @Inject Tasks tasks;
  @Inject TaskSubmissions submissions;

  @Override
  public JsonValue run(TaskContext task) throws InterruptedException {
    JsonObject campaign = task.payload();
    Template subject = new Template(SendMailHandler.required(campaign, "subject"));
    Template text = new Template(SendMailHandler.required(campaign, "text"));
    Template html =
        campaign.containsKey("html")
            ? new Template(SendMailHandler.required(campaign, "html"))
            : null;
    if (!(campaign.get("recipients") instanceof JsonArray recipients)
        || recipients.isEmpty()
        || recipients.size() > MAX_RECIPIENTS) {
      throw TaskFailure.permanent(
          "'recipients' must be an array of 1 to " + MAX_RECIPIENTS + " recipients");
    }
    Set<String> needed = new java.util.LinkedHashSet<>(subject.placeholders());
    needed.addAll(text.placeholders());
    if (html != null) {
      needed.addAll(html.placeholders());
    }
    for (int i = 0; i < recipients.size(); i++) {
      values(recipients, i, needed);
    }
    int total = recipients.size();
    String prefix = "campaign:" + task.id() + ":";
    List<TaskRequest> batch = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      JsonObject recipient = recipients.getJsonObject(i);
      Map<String, String> values = values(recipients, i, needed);
      JsonObjectBuilder mail =
          JSON.createObjectBuilder()
              .add("to", recipient.getString("email"))
              .add("subject", subject.fill(values, UnaryOperator.identity()))
              .add("text", text.fill(values, UnaryOperator.identity()))
              .add("campaignId", task.id());
      if (html != null) {
        mail.add("html", html.fill(values, Template::escapeHtml));
      }
      batch.add(
          new TaskRequest(
              "email.send", mail.build(), Duration.ZERO, null, 4, prefix + i, null, null, null));
      if (batch.size() == QUEUED_AT_ONCE || i == total - 1) {
        // a retried campaign repeats the keys: nobody gets a mail twice
        submissions.submitAll(batch, null);
        batch.clear();
        task.progress(0, "queued " + (i + 1) + " of " + total);
      }
    }
    while (true) {
      Map<TaskState, Long> states = tasks.countByState(prefix);
      long sent = states.getOrDefault(TaskState.SUCCEEDED, 0L);
      long failed =
          states.getOrDefault(TaskState.DEAD, 0L) + states.getOrDefault(TaskState.CANCELLED, 0L);
      long pending = total - sent - failed;
      task.progress(
          (int) ((sent + failed) * 100 / total),
          "sent " + sent + ", failed " + failed + ", pending " + pending);
      if (pending <= 0) {
        return JSON.createObjectBuilder()
            .add("recipients", total)
            .add("sent", sent)
            .add("failed", failed)
            .build();
      }
      Thread.sleep(POLL.toMillis()); // the children run on the email queue meanwhile
    }
  }

  private static Map<String, String> values(JsonArray recipients, int i, Set<String> needed) {
    if (!(recipients.get(i) instanceof JsonObject recipient)
        || !(recipient.get("email") instanceof jakarta.json.JsonString email)) {
      throw TaskFailure.permanent("recipient " + i + " needs an 'email'");
    }
    Mailer.address(email.getString());
    Map<String, String> values = new HashMap<>();
    JsonObject given = recipient.getJsonObject("values");
    if (given != null) {
      given.forEach(
          (name, value) ->
              values.put(
                  name,
                  value instanceof jakarta.json.JsonString s ? s.getString() : value.toString()));
    }
    values.putIfAbsent("email", email.getString());
    for (String name : needed) {
      if (!values.containsKey(name)) {
        throw TaskFailure.permanent(
            "recipient " + i + " (" + email.getString() + ") has no value for {{" + name + "}}");
      }
    }
    return values;
  }
}
