#include "server/realtime/socket_frames.hpp"

#include <gtest/gtest.h>

namespace mizan::server {
namespace {

/// The code of the error `read_client_frame(text)` throws, and the id it read.
std::pair<std::string, std::string> refusal(std::string_view text) {
  std::string id;
  try {
    read_client_frame(text, id);
  } catch (const error& e) {
    return {e.code(), id};
  }
  return {"none", id};
}

TEST(SocketFrames, ReadsACallWithItsIdAsSent) {
  std::string id;
  const auto f =
      read_client_frame(R"({"op":"call","id":"a-1","fn":"toggle_todo","args":{"id":5}})", id);
  EXPECT_EQ(f.op, client_frame::kind::call);
  EXPECT_EQ(id, R"("a-1")");
  EXPECT_EQ(f.fn, "toggle_todo");
  EXPECT_EQ(f.args.at("id").as_int64(), 5);
  const auto bare = read_client_frame(R"({"op":"call","id":7,"fn":"f"})", id);
  EXPECT_EQ(id, "7");
  EXPECT_TRUE(bare.args.empty());
}

TEST(SocketFrames, ReadsSubUnsubPingAndAuth) {
  std::string id;
  EXPECT_EQ(read_client_frame(R"({"op":"sub","channel":"activity"})", id).channel, "activity");
  EXPECT_EQ(id, "null");
  EXPECT_EQ(read_client_frame(R"({"op":"unsub","channel":"activity"})", id).op,
            client_frame::kind::unsub);
  EXPECT_EQ(read_client_frame(R"({"op":"ping"})", id).op, client_frame::kind::ping);
  EXPECT_EQ(read_client_frame(R"({"op":"auth","token":"t"})", id).token, "t");
}

TEST(SocketFrames, RefusesWhatIsNotAnOperation) {
  EXPECT_EQ(refusal("nonsense").first, "bad_request");
  EXPECT_EQ(refusal("[1]").first, "bad_request");
  EXPECT_EQ(refusal(R"({"id":3})"), (std::pair<std::string, std::string>{"bad_request", "3"}));
  EXPECT_EQ(refusal(R"({"op":"dance","id":4})").second, "4");
  EXPECT_EQ(refusal(R"({"op":"call","id":1})").first, "bad_request");              // no fn
  EXPECT_EQ(refusal(R"({"op":"call","fn":"f","args":[]})").first, "bad_request");  // args
  EXPECT_EQ(refusal(R"({"op":"sub","channel":""})").first, "bad_request");
  EXPECT_EQ(refusal(R"({"op":"call","id":{"x":1},"fn":"f"})").first, "bad_request");
  // The strict reader: duplicate keys are refused, not resolved by order.
  EXPECT_EQ(refusal(R"({"op":"ping","op":"call"})").first, "bad_request");
}

TEST(SocketFrames, WritesResultsAndErrorsAroundTheCallsAnswer) {
  EXPECT_EQ(result_frame("1", R"({"result":true,"invalidate":["todos"]})"),
            R"({"op":"result","id":1,"result":true,"invalidate":["todos"]})");
  EXPECT_EQ(error_frame(R"("x")", error(errc::forbidden, "No.")),
            R"({"op":"error","id":"x","error":{"code":"forbidden","message":"No."},"status":403})");
}

TEST(SocketFrames, WritesInvalidationsInTheirJsonForm) {
  const std::vector entries{params::make_entry("todos"),
                            params::make_entry("todo", boost::json::object{{"id", 5}})};
  EXPECT_EQ(*invalidate_frame(entries),
            R"({"op":"invalidate","invalidate":["todos",{"context":"todo","params":{"id":5}}]})");
}

}  // namespace
}  // namespace mizan::server
