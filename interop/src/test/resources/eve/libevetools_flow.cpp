// jtpm interop test driver (EveToolsClientTest): libevetools calls in the order of the Azure IoT Edge HSM plug-in.
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <vector>
#include "eve_tpm_service.h"
// the Azure IoT Edge HSM plug-in's order: startauthsession, policysecret(endorsement), activate_credential, flushcontext
int main(int argc, char** argv) {
    FILE* f = fopen(argv[1], "rb");
    std::vector<uint8_t> blob(4096);
    size_t n = fread(blob.data(), 1, blob.size(), f);
    fclose(f);
    uint8_t* session = nullptr; size_t session_size = 0;
    if (eve_tpm_service_startauthsession(&session, &session_size) != 0) { puts("startauthsession failed"); return 1; }
    printf("session context: %zu bytes\n", session_size);
    uint8_t* s2 = nullptr; size_t s2_size = 0;
    if (eve_tpm_service_policysecret(session, session_size, 0x4000000B, &s2, &s2_size) != 0) { puts("policysecret failed"); return 1; }
    uint8_t* cert = nullptr; size_t cert_size = 0; uint8_t* s3 = nullptr; size_t s3_size = 0;
    if (eve_tpm_service_activate_credential(s2, s2_size, 0x81000002, 0x81000001, blob.data(), n, &cert, &cert_size, &s3, &s3_size) != 0) {
        puts("activate_credential failed"); return 1;
    }
    printf("cert_info: ");
    for (size_t i = 0; i < cert_size; i++) printf("%02x", cert[i]);
    printf("\n");
    if (eve_tpm_service_flushcontext(s3, s3_size) != 0) { puts("flushcontext failed"); return 1; }
    uint8_t* pub = nullptr; size_t pub_size = 0;
    if (eve_tpm_service_readpublic(0x81000003, nullptr, 0, PEM, &pub, &pub_size) != 0) { puts("readpublic failed"); return 1; }
    printf("AIK PEM: %zu bytes\n", pub_size);
    return 0;
}
