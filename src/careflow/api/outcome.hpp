// What a use case tells its caller beside its result: whether it was done, and the messages a
// person should see, in the order they arose. A front end shows them (the CLI: on stderr, each
// after "careflow COMMAND: "); nothing in the library prints.
#pragma once

#include <string>
#include <vector>

namespace careflow::api {

struct Message {
  enum class Kind {
    error,    // why the use case stopped (then `done` is false and nothing was written)
    warning,  // a result that needs care: said on the terminal and in the outputs
    note,     // what was left out, and why
    info,     // what was found (a finding of a check), shown as it is
  };
  Kind kind = Kind::note;
  std::string text;  // one line, naming file, line, column and rule where there are such
};

struct Outcome {
  bool done = true;
  std::vector<Message> messages;

  // Stops the use case: done = false with the reason. Returns *this's done (false), so that a
  // use case can `return result.stop(...)`-style in a boolean context.
  bool stop(std::string text) {
    done = false;
    messages.push_back({Message::Kind::error, std::move(text)});
    return false;
  }
  void warn(std::string text) { messages.push_back({Message::Kind::warning, std::move(text)}); }
  void note(std::string text) { messages.push_back({Message::Kind::note, std::move(text)}); }
  void info(std::string text) { messages.push_back({Message::Kind::info, std::move(text)}); }
};

}  // namespace careflow::api
