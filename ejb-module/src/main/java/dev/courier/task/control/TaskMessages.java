package dev.courier.task.control;

/** Names shared by everything that sends, receives or inspects task messages. */
public final class TaskMessages {

  public static final String QUEUE = "courier.tasks";
  public static final String DEAD_LETTER_QUEUE = "courier.tasks.dlq";

  /** Set by Courier on messages for tasks it has stored; a client's submission has none. */
  public static final String TASK_ID = "courier_task_id";

  /** Why Courier dead-lettered a message itself instead of running it. */
  public static final String DEAD_REASON = "courier_dead_reason";

  public static final String ORIGINAL_QUEUE = "courier_original_queue";
  public static final String ORIGINAL_MESSAGE_ID = "courier_original_message_id";
  public static final String CONNECTION_FACTORY = "java:app/jms/courier";

  private TaskMessages() {}
}
