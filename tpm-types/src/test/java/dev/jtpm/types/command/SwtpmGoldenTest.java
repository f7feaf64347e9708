package dev.jtpm.types.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jtpm.types.Bytes;
import dev.jtpm.types.Secret;
import dev.jtpm.types.TpmAlg;
import dev.jtpm.types.TpmCc;
import dev.jtpm.types.TpmRh;
import dev.jtpm.types.TpmSt;
import dev.jtpm.types.command.SwtpmTrafficTest.Exchange;
import dev.jtpm.types.structure.*;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the captured swtpm / tpm2-tools exchanges say, field by field: the EK templates tpm2_createek
 * sends are exactly {@link Templates#EK_RSA_2048} and {@link Templates#EK_ECC_P256}, the Names swtpm
 * returns are the Names {@link TpmtPublic#name()} computes, and the attestation, signature,
 * context and ticket structures carry what the tools asked for.
 */
class SwtpmGoldenTest {
    private static final HexFormat HEX = HexFormat.of();
    private static List<Exchange> all;

    @BeforeAll
    static void load() throws IOException { all = SwtpmTrafficTest.exchanges(); }

    private static List<Exchange> of(String tool, int cc) {
        return all.stream().filter(e -> e.tool().equals(tool) && e.commandCode() == cc && e.responseCode() == 0).toList();
    }

    private static Exchange one(String tool, int cc) { return of(tool, cc).getFirst(); }

    @SuppressWarnings("unchecked")
    private static <T> T cmd(Exchange e) { return (T) SwtpmTrafficTest.decodeCommand(e); }

    @SuppressWarnings("unchecked")
    private static <T> T rsp(Exchange e) { return (T) SwtpmTrafficTest.decodeResponse(e); }

    private static Bytes ascii(String s) { return Bytes.wrap(s.getBytes(StandardCharsets.US_ASCII)); }

    @Test
    void createek_rsa_sendsTemplateL1_asA0x013aOctetTpm2bPublic() {
        Exchange e = one("createek_rsa", TpmCc.CREATE_PRIMARY);
        CreatePrimary ek = cmd(e);
        assertThat(ek.primaryHandle()).isEqualTo(TpmRh.ENDORSEMENT);
        assertThat(ek.inPublic()).isEqualTo(Templates.EK_RSA_2048);
        byte[] params = SwtpmTrafficTest.parseCommand(e).params();
        // inSensitive is 00 04 0000 0000; inPublic's size follows
        assertThat(HEX.formatHex(params, 0, 8)).isEqualTo("000400000000013a");
        CreatePrimaryResponse r = rsp(e);
        assertThat(r.outPublic().objectAttributes().value()).isEqualTo(0x000300B2);
        assertThat(((TpmuPublicId.Rsa) r.outPublic().unique()).n().size()).isEqualTo(256);
        assertThat(r.name()).isEqualTo(r.outPublic().name());
        assertThat(r.creationTicket().tag()).isEqualTo(TpmSt.CREATION);
        assertThat(r.creationTicket().hierarchy()).isEqualTo(TpmRh.ENDORSEMENT);
        assertThat(r.creationData().parentName()).isEqualTo(Bytes.fromHex("4000000b"));
    }

    @Test
    void createek_ecc_sendsTemplateL2_asA0x7aOctetTpm2bPublic() {
        Exchange e = one("createek_ecc", TpmCc.CREATE_PRIMARY);
        CreatePrimary ek = cmd(e);
        assertThat(ek.inPublic()).isEqualTo(Templates.EK_ECC_P256);
        assertThat(HEX.formatHex(SwtpmTrafficTest.parseCommand(e).params(), 0, 8)).isEqualTo("000400000000007a");
        CreatePrimaryResponse r = rsp(e);
        TpmsEccPoint q = (TpmsEccPoint) r.outPublic().unique();
        assertThat(q.x().size()).isEqualTo(32);
        assertThat(q.y().size()).isEqualTo(32);
        assertThat(r.name()).isEqualTo(r.outPublic().name());
    }

    @Test
    void swtpmSetup_usesTheSrkTemplate_theL1EkTemplate_andTheHighRangeP384Template() {
        CreatePrimary spk = cmd(one("swtpm_setup_spk", TpmCc.CREATE_PRIMARY));
        assertThat(spk.primaryHandle()).isEqualTo(TpmRh.OWNER);
        assertThat(spk.inPublic()).isEqualTo(Templates.RSA_2048_SRK);
        CreatePrimary ekRsa = cmd(one("swtpm_setup_ek_rsa", TpmCc.CREATE_PRIMARY));
        assertThat(ekRsa.primaryHandle()).isEqualTo(TpmRh.ENDORSEMENT);
        assertThat(ekRsa.inPublic()).isEqualTo(Templates.EK_RSA_2048);
        CreatePrimary ekEcc = cmd(one("swtpm_setup_ek_p384", TpmCc.CREATE_PRIMARY));
        assertThat(ekEcc.inPublic()).isEqualTo(Templates.EK_ECC_P384_HIGH);
        CreatePrimaryResponse r = rsp(one("swtpm_setup_ek_p384", TpmCc.CREATE_PRIMARY));
        assertThat(((TpmsEccPoint) r.outPublic().unique()).x().size()).isEqualTo(48);
        assertThat(r.name()).isEqualTo(r.outPublic().name());
        assertThat(r.name().size()).isEqualTo(2 + 48);

        EvictControl persist = cmd(one("swtpm_setup_ek_p384", TpmCc.EVICT_CONTROL));
        assertThat(persist.auth()).isEqualTo(TpmRh.OWNER);
        assertThat(persist.persistentHandle()).isEqualTo(0x81010016);
        assertThat(((EvictControl) cmd(one("swtpm_setup_ek_rsa", TpmCc.EVICT_CONTROL))).persistentHandle())
                .isEqualTo(0x81010001);
        assertThat(((EvictControl) cmd(one("swtpm_setup_spk", TpmCc.EVICT_CONTROL))).persistentHandle())
                .isEqualTo(0x81000001);
    }

    @Test
    void commandBytes_ofTheSrkCreatePrimary_areSwtpmSetupsCommand_butForContinueSession() {
        Exchange e = one("swtpm_setup_spk", TpmCc.CREATE_PRIMARY);
        byte[] ours = CommandBytes.encode(new CreatePrimary(TpmRh.OWNER, TpmsSensitiveCreate.EMPTY, Templates.RSA_2048_SRK,
                Bytes.EMPTY, new TpmlPcrSelection(List.of())));
        // header (10) + primaryHandle (4) + authorizationSize (4) + TPM_RS_PW (4) + empty nonce (2), then attributes
        int attributes = 10 + 4 + 4 + 4 + 2;
        assertThat(ours[attributes]).isEqualTo((byte) 1); // continueSession; swtpm_setup sends 0
        ours[attributes] = 0;
        assertThat(HEX.formatHex(ours)).isEqualTo(HEX.formatHex(e.command()));
    }

    @Test
    void createprimary_default_isRsa2048WithAes128CfbAndEmptyUnique() {
        CreatePrimary c = cmd(one("createprimary", TpmCc.CREATE_PRIMARY));
        assertThat(c.primaryHandle()).isEqualTo(TpmRh.OWNER);
        assertThat(c.inSensitive()).isEqualTo(TpmsSensitiveCreate.EMPTY);
        assertThat(c.inPublic()).isEqualTo(TpmtPublic.of(TpmAlg.SHA256, new TpmaObject(0x00030072), Bytes.EMPTY,
                new TpmsRsaParms(TpmtSymDefObject.aes(128, TpmAlg.CFB), TpmtRsaScheme.NULL, 2048, 0)));
        assertThat(c.creationPCR().pcrSelections()).isEmpty();
    }

    @Test
    void create_and_load_nameMatchesThePublicArea() {
        Create c = cmd(one("seal_create", TpmCc.CREATE));
        assertThat(c.inSensitive().data()).isEqualTo(Secret.of(ascii("secretdata")));
        assertThat(c.inPublic().type()).isEqualTo(TpmAlg.KEYEDHASH);
        CreateResponse cr = rsp(one("seal_create", TpmCc.CREATE));
        Load l = cmd(one("seal_load", TpmCc.LOAD));
        assertThat(l.inPrivate()).isEqualTo(cr.outPrivate());
        assertThat(l.inPublic()).isEqualTo(cr.outPublic());
        LoadResponse lr = rsp(one("seal_load", TpmCc.LOAD));
        assertThat(lr.objectHandle() >>> 24).isEqualTo(0x80);
        assertThat(lr.name()).isEqualTo(cr.outPublic().name());
        UnsealResponse u = rsp(one("unseal", TpmCc.UNSEAL));
        assertThat(u.outData()).isEqualTo(Secret.of(ascii("secretdata")));
    }

    @Test
    void createLoaded_templateIsAPublicArea_andTheNameMatches() {
        Exchange e = one("aeskey_create", TpmCc.CREATE_LOADED);
        CreateLoaded c = cmd(e);
        TpmtPublic t = (TpmtPublic) TpmuTemplate.decodeLenient(c.inPublic(), false);
        assertThat(t.type()).isEqualTo(TpmAlg.SYMCIPHER);
        assertThat(t.toTemplate()).isEqualTo(c.inPublic());
        CreateLoadedResponse r = rsp(e);
        assertThat(r.name()).isEqualTo(r.outPublic().name());
    }

    @Test
    void contextSave_savesATransientObjectAs0x80000000() {
        ContextSaveResponse r = rsp(one("createprimary", TpmCc.CONTEXT_SAVE));
        assertThat(r.context().savedHandle()).isEqualTo(0x80000000);
        assertThat(r.context().hierarchy()).isEqualTo(TpmRh.OWNER);
        assertThat(r.context().contextBlob().size()).isEqualTo(1268 - 10 - 18);
        ContextLoad l = cmd(one("unseal", TpmCc.CONTEXT_LOAD));
        assertThat(l.context().sequence()).isPositive();
    }

    @Test
    void sign_rsassaAndEcdsa() {
        Sign s = cmd(one("rsa_sign", TpmCc.SIGN));
        assertThat(s.inScheme()).isEqualTo(TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256));
        assertThat(s.digest().size()).isEqualTo(32);
        assertThat(s.validation().tag()).isEqualTo(TpmSt.HASHCHECK);
        TpmtSignature sig = ((SignResponse) rsp(one("rsa_sign", TpmCc.SIGN))).signature();
        TpmuSignature.Rsa rsa = (TpmuSignature.Rsa) sig.signature();
        assertThat(sig.sigAlg()).isEqualTo(TpmAlg.RSASSA);
        assertThat(rsa.hash()).isEqualTo(TpmAlg.SHA256);
        assertThat(rsa.sig().size()).isEqualTo(256);

        TpmtSignature ecdsa = ((SignResponse) rsp(one("ecc_sign", TpmCc.SIGN))).signature();
        TpmuSignature.Ecc ecc = (TpmuSignature.Ecc) ecdsa.signature();
        assertThat(ecc.sigAlg()).isEqualTo(TpmAlg.ECDSA);
        assertThat(ecc.signatureR().size()).isEqualTo(32);
        assertThat(ecc.signatureS().size()).isEqualTo(32);

        VerifySignature v = cmd(one("ecc_verify", TpmCc.VERIFY_SIGNATURE));
        assertThat(v.signature()).isEqualTo(ecdsa);
        VerifySignatureResponse vr = rsp(one("ecc_verify", TpmCc.VERIFY_SIGNATURE));
        assertThat(vr.validation().tag()).isEqualTo(TpmSt.VERIFIED);
    }

    @Test
    void rsaEncryptDecrypt_oaep() {
        RsaEncrypt e = cmd(one("rsa_encrypt", TpmCc.RSA_ENCRYPT));
        assertThat(e.message()).isEqualTo(ascii("hello"));
        assertThat(e.inScheme()).isEqualTo(TpmtRsaDecrypt.oaep(TpmAlg.SHA256));
        RsaEncryptResponse er = rsp(one("rsa_encrypt", TpmCc.RSA_ENCRYPT));
        RsaDecrypt d = cmd(one("rsa_decrypt", TpmCc.RSA_DECRYPT));
        assertThat(d.cipherText()).isEqualTo(er.outData());
        assertThat(((RsaDecryptResponse) rsp(one("rsa_decrypt", TpmCc.RSA_DECRYPT))).message()).isEqualTo(ascii("hello"));
    }

    @Test
    void ecdh_and_eccParameters() {
        EcdhKeyGenResponse k = rsp(one("ecdh_keygen", TpmCc.ECDH_KEYGEN));
        assertThat(k.pubPoint().x().size()).isEqualTo(32);
        EcdhZGen z = cmd(one("ecdh_zgen", TpmCc.ECDH_ZGEN));
        assertThat(z.inPoint()).isEqualTo(k.pubPoint());
        assertThat(((EcdhZGenResponse) rsp(one("ecdh_zgen", TpmCc.ECDH_ZGEN))).outPoint()).isEqualTo(k.zPoint());

        EccParametersResponse p = rsp(one("ecc_params", TpmCc.ECC_PARAMETERS));
        TpmsAlgorithmDetailEcc d = p.parameters();
        assertThat(d.curveID()).isEqualTo(Templates.NIST_P256);
        assertThat(d.keySize()).isEqualTo(256);
        assertThat(d.p().toHex()).isEqualTo("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        assertThat(d.h()).isEqualTo(Bytes.of((byte) 1));
    }

    @Test
    void hmac_and_encryptDecrypt2() {
        Hmac h = cmd(one("hmac", TpmCc.HMAC));
        assertThat(h.buffer()).isEqualTo(ascii("hello"));
        assertThat(((HmacResponse) rsp(one("hmac", TpmCc.HMAC))).outHMAC().size()).isEqualTo(32);
        EncryptDecrypt2 ed = cmd(one("encdec", TpmCc.ENCRYPT_DECRYPT2));
        assertThat(ed.inData()).isEqualTo(Bytes.zeros(32));
        assertThat(ed.decrypt()).isFalse();
        EncryptDecryptResponse r = rsp(one("encdec", TpmCc.ENCRYPT_DECRYPT2));
        assertThat(r.outData().size()).isEqualTo(32);
        assertThat(r.ivOut().size()).isEqualTo(16);
    }

    @Test
    void attestations_quote_getTime_certify() {
        Quote q = cmd(one("quote", TpmCc.QUOTE));
        assertThat(q.qualifyingData()).isEqualTo(Bytes.fromHex("0102"));
        TpmsAttest quoted = ((QuoteResponse) rsp(one("quote", TpmCc.QUOTE))).quoted();
        assertThat(quoted.magic()).isEqualTo(TpmsAttest.TPM_GENERATED_VALUE);
        assertThat(quoted.type()).isEqualTo(TpmSt.ATTEST_QUOTE);
        assertThat(quoted.extraData()).isEqualTo(Bytes.fromHex("0102"));
        TpmsQuoteInfo qi = (TpmsQuoteInfo) quoted.attested();
        assertThat(qi.pcrSelect().pcrSelections()).containsExactly(TpmsPcrSelection.of(TpmAlg.SHA256, 0, 1));
        assertThat(qi.pcrDigest().size()).isEqualTo(32);

        GetTime g = cmd(one("gettime", TpmCc.GET_TIME));
        assertThat(g.privacyAdminHandle()).isEqualTo(TpmRh.ENDORSEMENT);
        TpmsAttest time = ((GetTimeResponse) rsp(one("gettime", TpmCc.GET_TIME))).timeInfo();
        assertThat(time.attested()).isInstanceOf(TpmsTimeAttestInfo.class);

        Certify c = cmd(one("certify", TpmCc.CERTIFY));
        assertThat(c.inScheme()).isEqualTo(TpmtSigScheme.of(TpmAlg.RSASSA, TpmAlg.SHA256));
        CertifyResponse cr = rsp(one("certify", TpmCc.CERTIFY));
        assertThat(cr.certifyInfo().type()).isEqualTo(TpmSt.ATTEST_CERTIFY);
        assertThat(cr.signature().sigAlg()).isEqualTo(TpmAlg.RSASSA);
    }

    @Test
    void hierarchyCommands() {
        EvictControl ev = cmd(one("evict", TpmCc.EVICT_CONTROL));
        assertThat(ev.auth()).isEqualTo(TpmRh.OWNER);
        assertThat(ev.persistentHandle()).isEqualTo(0x81000005);
        HierarchyChangeAuth ca = cmd(one("hchangeauth", TpmCc.HIERARCHY_CHANGE_AUTH));
        assertThat(ca.authHandle()).isEqualTo(TpmRh.OWNER);
        assertThat(ca.newAuth()).isEqualTo(Secret.of(ascii("ownerpass")));
        ObjectChangeAuth oca = cmd(one("objchangeauth", TpmCc.OBJECT_CHANGE_AUTH));
        assertThat(oca.newAuth()).isEqualTo(Secret.of(ascii("newpass")));
        SetPrimaryPolicy sp = cmd(one("setprimarypolicy", TpmCc.SET_PRIMARY_POLICY));
        assertThat(sp.authPolicy()).isEqualTo(Bytes.zeros(32));
        assertThat(sp.hashAlg()).isEqualTo(TpmAlg.SHA256);
        ClearControl cc = cmd(one("clearcontrol", TpmCc.CLEAR_CONTROL));
        assertThat(cc.auth()).isEqualTo(TpmRh.PLATFORM);
        assertThat(cc.disable()).isTrue();
        HierarchyControl hc = cmd(one("hierarchycontrol", TpmCc.HIERARCHY_CONTROL));
        assertThat(hc.authHandle()).isEqualTo(TpmRh.PLATFORM);
        assertThat(hc.enable()).isEqualTo(TpmRh.OWNER);
        assertThat(hc.state()).isFalse();
        assertThat(((ChangeEps) cmd(one("changeeps", TpmCc.CHANGE_EPS))).authHandle()).isEqualTo(TpmRh.PLATFORM);
        assertThat(((ChangePps) cmd(one("changepps", TpmCc.CHANGE_PPS))).authHandle()).isEqualTo(TpmRh.PLATFORM);
        assertThat(((Clear) cmd(one("clear", TpmCc.CLEAR))).authHandle()).isEqualTo(TpmRh.PLATFORM);
    }

    @Test
    void makeCredential_loadExternalOfThePublicEk_andCommit() {
        LoadExternal le = cmd(one("makecred", TpmCc.LOAD_EXTERNAL));
        assertThat(le.inPrivate()).isNull();
        assertThat(le.hierarchy()).isEqualTo(TpmRh.NULL);
        assertThat(le.inPublic().authPolicy()).isEqualTo(Templates.POLICY_A_SHA256);
        MakeCredential mc = cmd(one("makecred", TpmCc.MAKE_CREDENTIAL));
        assertThat(mc.credential()).isEqualTo(ascii("hello"));
        assertThat(mc.objectName().toHex()).startsWith("000b0123456789abcdef");
        MakeCredentialResponse r = rsp(one("makecred", TpmCc.MAKE_CREDENTIAL));
        assertThat(r.secret().size()).isEqualTo(256);
        assertThat(r.credentialBlob().size()).isEqualTo(2 + 32 + 2 + 5);

        Commit c = cmd(one("commit", TpmCc.COMMIT));
        CommitResponse cr = rsp(one("commit", TpmCc.COMMIT));
        // no P1, s2, y2: an empty point is a TPM2B of size 4 (two empty coordinates), not of size 0
        assertThat(c.p1()).isEqualTo(TpmsEccPoint.EMPTY);
        assertThat(c.s2()).isEqualTo(Bytes.EMPTY);
        assertThat(cr.k()).isEqualTo(TpmsEccPoint.EMPTY);
        assertThat(cr.l()).isEqualTo(TpmsEccPoint.EMPTY);
        assertThat(cr.e().x().size()).isEqualTo(32);
        assertThat(cr.counter()).isZero();
    }
}
