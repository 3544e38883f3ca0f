<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Written by plural_forms.py from the sources: edit the sources (or IRREGULAR there), not this file. -->
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Cli</name>
    <message numerus="yes">
        <source>%n file(s) exist already in %1: nothing was downloaded. Use --overwrite to replace them or --skip-existing to leave them</source>
        <translation>
            <numerusform>%n file exists already in %1: nothing was downloaded. Use --overwrite to replace it or --skip-existing to leave it</numerusform>
            <numerusform>%n files exist already in %1: nothing was downloaded. Use --overwrite to replace them or --skip-existing to leave them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n upload(s) could not be aborted in time; 'roledrop uploads s3://BUCKET/' lists them</source>
        <translation>
            <numerusform>%n upload could not be aborted in time; 'roledrop uploads s3://BUCKET/' lists them</numerusform>
            <numerusform>%n uploads could not be aborted in time; 'roledrop uploads s3://BUCKET/' lists them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>aborted %n unfinished upload(s)</source>
        <translation>
            <numerusform>aborted %n unfinished upload</numerusform>
            <numerusform>aborted %n unfinished uploads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>waiting for %n unfinished upload(s) to be aborted on the server...</source>
        <translation>
            <numerusform>waiting for %n unfinished upload to be aborted on the server...</numerusform>
            <numerusform>waiting for %n unfinished uploads to be aborted on the server...</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HumanUnits</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoleDrop::Ui::BucketBrowser</name>
    <message numerus="yes">
        <source>%1 of %n item(s) match the filter</source>
        <translation>
            <numerusform>%1 of %n item matches the filter</numerusform>
            <numerusform>%1 of %n items match the filter</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bucket(s)</source>
        <translation>
            <numerusform>%n bucket</numerusform>
            <numerusform>%n buckets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoleDrop::Ui::MainWindow</name>
    <message numerus="yes">
        <source>%n multipart upload(s) could not be aborted before quitting</source>
        <translation>
            <numerusform>%n multipart upload could not be aborted before quitting</numerusform>
            <numerusform>%n multipart uploads could not be aborted before quitting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Aborting %n unfinished upload(s) on the server before quitting…</source>
        <translation>
            <numerusform>Aborting %n unfinished upload on the server before quitting…</numerusform>
            <numerusform>Aborting %n unfinished uploads on the server before quitting…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoleDrop::Ui::TransferController</name>
    <message numerus="yes">
        <source>Not downloaded: %n key(s) would land on the same local file as another, e.g. “%1” and “%2”</source>
        <translation>
            <numerusform>Not downloaded: %n key would land on the same local file as another, e.g. “%1” and “%2”</numerusform>
            <numerusform>Not downloaded: %n keys would land on the same local file as another, e.g. “%1” and “%2”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Skipped %n symbolic link(s) inside the folder (links are not followed): %1</source>
        <translation>
            <numerusform>Skipped %n symbolic link inside the folder (links are not followed): %1</numerusform>
            <numerusform>Skipped %n symbolic links inside the folder (links are not followed): %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoleDrop::Ui::UnfinishedUploadsDialog</name>
    <message numerus="yes">
        <source>%n unfinished upload(s) in %1. Their parts are billed until they are completed or aborted.</source>
        <translation>
            <numerusform>%n unfinished upload in %1. Their parts are billed until they are completed or aborted.</numerusform>
            <numerusform>%n unfinished uploads in %1. Their parts are billed until they are completed or aborted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Aborting %n upload(s) on the server…</source>
        <translation>
            <numerusform>Aborting %n upload on the server…</numerusform>
            <numerusform>Aborting %n uploads on the server…</numerusform>
        </translation>
    </message>
</context>
</TS>
