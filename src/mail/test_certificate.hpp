// A self-signed certificate for localhost and 127.0.0.1 (P-256, valid until
// 2126) and its key, for the TLS tests of the SMTP client only.
#pragma once

namespace mizan::mail::test {

inline constexpr const char* certificate_pem = R"(-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUX1U2WFMDV1J7hGi0zyhkAi1nfuUwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNTAwMTkxMVoYDzIxMjYxMTEx
MDAxOTExWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASkIErX3MjmEYq7g5PubZlW0580jYby8PyJ2+WjriKew9J2LQ8phPev
u5DvUxJVtTGG84iXj7jf20p61C4hqiB2o28wbTAdBgNVHQ4EFgQUz9KHgBfXXlUW
SdSUcI/0sWbih10wHwYDVR0jBBgwFoAUz9KHgBfXXlUWSdSUcI/0sWbih10wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgFyDk87ZIJ2Iuop6xld9LJAbGbnKxpdXBJmfR1BmrL7kCIQDC
OLT+sk2C6LVaMagi5jUA+XUfh9FaATtd0he8MZTeVA==
-----END CERTIFICATE-----)";

inline constexpr const char* key_pem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSK05TkecjAp87rjR
THWbuUUKLqMqqg6fyrav0wbyoJKhRANCAASkIErX3MjmEYq7g5PubZlW0580jYby
8PyJ2+WjriKew9J2LQ8phPevu5DvUxJVtTGG84iXj7jf20p61C4hqiB2
-----END PRIVATE KEY-----)";

}  // namespace mizan::mail::test
